import type { Prediction } from '../../../data/transform/instance-codec.ts';
import type { ColumnEncoder } from '../../../data/transform/table-transform.ts';
import { exampleInstance } from '../example-instance.ts';
import { browser, type DomElement, type FieldElement } from './dom.ts';
import { loadModel, type BrowserModel } from './load-browser-model.ts';

/** How many classes an answer lists. */
const TOP = 5;

/**
 * Loads the bundle and builds its page inside `root`: `data-state` goes loading → ready (or
 * error, with the reason shown), so scripts and tests can wait for it.
 */
export async function startPage(root: DomElement, baseUrl?: string | URL): Promise<BrowserModel | undefined> {
  root.dataset.state = 'loading';
  try {
    const model = await loadModel(baseUrl);
    mountPage(root, model);
    return model;
  } catch (e) {
    root.dataset.state = 'error';
    root.replaceChildren(errorView(e));
    console.error(e);
    return undefined;
  }
}

/**
 * The page of a loaded model: a drop zone and file chooser for an image model, a form with one
 * field per column for a table or text model (categories as choices), a box of numbers for
 * other tensors; the answer shows the top classes with their probabilities, or the value.
 */
export function mountPage(root: DomElement, model: BrowserModel): void {
  const answer = el('section', 'answer');
  answer.setAttribute('aria-live', 'polite');
  const run = async (instance: unknown): Promise<void> => {
    answer.dataset.state = 'predicting';
    try {
      const [prediction] = await model.predict([instance]);
      answer.replaceChildren(...predictionView(prediction!));
      answer.dataset.state = 'done';
    } catch (e) {
      answer.replaceChildren(errorView(e));
      answer.dataset.state = 'error';
    }
  };
  const input = model.image ? imageInput(model, run) : model.table ? tableForm(model, run) : featuresForm(model, run);
  const takes = model.image
    ? `${model.image.width}×${model.image.height} ${model.image.channels === 1 ? 'grey' : 'RGB'} images`
    : model.table
      ? `${model.table.columns.length} ${model.table.columns.length === 1 ? 'column' : 'columns'}`
      : `${model.inputShape.reduce((a, b) => a * b, 1)} features`;
  const header = el('header', '', el('h1', '', model.name), el('p', 'task', `${model.task} · ${takes} · predicted in this browser`));
  root.replaceChildren(header, input, answer);
  root.dataset.state = 'ready';
}

type Run = (instance: unknown) => Promise<void>;

function imageInput(model: BrowserModel, run: Run): DomElement {
  const grid = model.image!;
  const file = el('input') as FieldElement;
  file.setAttribute('type', 'file');
  file.setAttribute('accept', 'image/*');
  file.name = 'image';
  const preview = el('img', 'preview');
  preview.setAttribute('alt', '');
  preview.hidden = true;
  const zone = el('label', 'drop', el('span', '', `Drop an image here, or click to choose one (it is resized to ${grid.width}×${grid.height}, ${grid.channels === 1 ? 'grey' : 'RGB'})`), file);
  let shown: string | undefined;
  const take = (image: Blob | undefined): void => {
    if (!image) return;
    if (shown) URL.revokeObjectURL(shown);
    shown = URL.createObjectURL(image);
    preview.setAttribute('src', shown);
    preview.hidden = false;
    void run({ image });
  };
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.toggle('over', true);
  });
  zone.addEventListener('dragleave', () => zone.classList.toggle('over', false));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.toggle('over', false);
    take(e.dataTransfer?.files[0]);
  });
  file.addEventListener('change', () => take(file.files?.[0]));
  return el('section', 'input', zone, preview);
}

function tableForm(model: BrowserModel, run: Run): DomElement {
  const t = model.table!;
  const example = exampleInstance(t) ?? {};
  const fields = t.columns.map((c) => [c, field(c, example[c.column])] as const);
  const submit = el('button', '', 'Predict');
  submit.setAttribute('type', 'submit');
  const form = el('form', 'input', ...fields.map(([c, f]) => el('label', 'field', el('span', '', c.column), f)), submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    // An empty field is a missing value (null), imputed as in training, exactly as the server reads it.
    void run(Object.fromEntries(fields.map(([c, f]) => [c.column, f.value.trim() === '' ? null : f.value])));
  });
  return form;
}

/** One column's field, filled with a plausible value; required where training imputed nothing. */
function field(c: ColumnEncoder, example: unknown): FieldElement {
  const shown = example === null || example === undefined ? '' : String(example);
  const required = c.kind !== 'tokens' && c.fill === null;
  let f: FieldElement;
  switch (c.kind) {
    case 'numeric':
      f = el('input') as FieldElement;
      f.setAttribute('type', 'number');
      f.setAttribute('step', 'any');
      break;
    case 'date':
      f = el('input') as FieldElement;
      f.setAttribute('type', 'date');
      break;
    case 'boolean':
      f = select(['true', 'false'], required);
      break;
    case 'one-hot':
      // Every category training saw: the kept ones first (most frequent), then the rare ones.
      f = select([...c.categories, ...c.rare], required);
      break;
    case 'tokens':
      f = el('textarea') as FieldElement;
      break;
  }
  f.name = c.column;
  f.required = required;
  f.value = shown;
  return f;
}

function select(options: readonly string[], required: boolean): FieldElement {
  const s = el('select') as FieldElement;
  if (!required) s.append(option('', '(missing)'));
  for (const o of options) s.append(option(o, o));
  return s;
}

function option(value: string, text: string): DomElement {
  const o = el('option', '', text) as FieldElement;
  o.value = value;
  return o;
}

function featuresForm(model: BrowserModel, run: Run): DomElement {
  const size = model.inputShape.reduce((a, b) => a * b, 1);
  const box = el('textarea') as FieldElement;
  box.name = 'features';
  box.value = JSON.stringify(Array.from({ length: size }, () => 0));
  const submit = el('button', '', 'Predict');
  submit.setAttribute('type', 'submit');
  const form = el('form', 'input', el('label', 'field', el('span', '', `features: a JSON array of ${size} numbers`), box), submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    let features: unknown;
    try {
      features = JSON.parse(box.value);
    } catch {
      features = box.value;
    }
    void run({ features });
  });
  return form;
}

function predictionView(p: Prediction): DomElement[] {
  if ('value' in p) return [el('p', 'prediction', el('span', 'label', formatNumber(p.value)))];
  const ranked = Object.entries(p.probabilities).sort((a, b) => b[1] - a[1]).slice(0, TOP);
  const best = p.probabilities[p.label] ?? 0;
  const rows = ranked.map(([name, probability]) => {
    const bar = el('span', 'bar');
    bar.setAttribute('style', `--p: ${Math.max(0, Math.min(1, probability)).toFixed(4)}`);
    return el('li', '', el('span', 'name', name), bar, el('span', 'pct', percent(probability)));
  });
  return [el('p', 'prediction', el('span', 'label', p.label), ' ', el('span', 'pct', percent(best))), el('ol', 'top', ...rows)];
}

function errorView(e: unknown): DomElement {
  const error = e as { message?: string; hint?: string };
  const view = el('div', 'error', el('p', '', error.message ?? String(e)));
  view.setAttribute('role', 'alert');
  if (error.hint) view.append(el('p', 'hint', error.hint));
  return view;
}

function el(tag: string, className = '', ...children: (DomElement | string)[]): DomElement {
  const e = browser.document!.createElement(tag);
  if (className) e.className = className;
  e.append(...children);
  return e;
}

function percent(p: number): string {
  return `${(100 * p).toFixed(1)}%`;
}

function formatNumber(v: number): string {
  return Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(5)));
}
