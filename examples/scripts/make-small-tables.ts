/**
 * Writes examples/data/wine.csv, breast-cancer.csv and housing.csv from the copies scikit-learn
 * ships (Debian's python3-sklearn, /usr/lib/python3/dist-packages/sklearn/datasets/data), with
 * named columns, for `npm run bench:tabular`: `node --import tsx examples/scripts/make-small-tables.ts`.
 * The housing table is the 506-row Boston house-prices data without its `B` column, a function of
 * the share of Black residents that has no place in a model of house prices.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = process.env.SKLEARN_DATA ?? '/usr/lib/python3/dist-packages/sklearn/datasets/data';
const OUT = join(import.meta.dirname, '..', 'data');

const WINE = ['alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids', 'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280_od315', 'proline'];
const CANCER_BASE = ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave_points', 'symmetry', 'fractal_dimension'];
const CANCER = ['mean', 'se', 'worst'].flatMap((kind) => CANCER_BASE.map((name) => `${kind}_${name}`));

function lines(file: string): string[][] {
  return readFileSync(join(SOURCE, file), 'utf8').trim().split('\n').map((line) => line.split(',').map((cell) => cell.replace(/^"|"$/g, '')));
}

function write(file: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  writeFileSync(join(OUT, file), `${[header.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`);
}

// wine_data.csv / breast_cancer.csv: a first line "n,features,class names…", then features and a class index.
const wine = lines('wine_data.csv');
const wineClasses = wine[0]!.slice(2);
write('wine.csv', [...WINE, 'cultivar'], wine.slice(1).map((r) => [...r.slice(0, 13), wineClasses[Number(r[13])]!]));

const cancer = lines('breast_cancer.csv');
const cancerClasses = cancer[0]!.slice(2);
write('breast-cancer.csv', [...CANCER, 'diagnosis'], cancer.slice(1).map((r) => [...r.slice(0, 30), cancerClasses[Number(r[30])]!]));

// boston_house_prices.csv: "506,13", then a header with the column names.
const boston = lines('boston_house_prices.csv');
const header = boston[1]!;
const keep = header.map((_, i) => i).filter((i) => header[i] !== 'B');
write('housing.csv', keep.map((i) => header[i]!.toLowerCase()), boston.slice(2).map((r) => keep.map((i) => r[i]!)));
