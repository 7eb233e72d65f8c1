import { escapeHtml } from './escape-html.ts';

/**
 * A confusion matrix as an SVG heat-map: rows are true classes, columns predictions, each cell
 * shaded by its share of the row (so recall reads off the diagonal whatever the class sizes)
 * and labelled with its count.
 */
export function svgConfusionHeatmap(labels: readonly string[], matrix: readonly (readonly number[])[]): string {
  const k = labels.length;
  const cell = Math.max(14, Math.min(44, Math.floor(520 / Math.max(k, 1))));
  const labelW = Math.min(140, 12 + 7 * Math.max(...labels.map((l) => Math.min(l.length, 18)), 4));
  const left = labelW + 20;
  const top = labelW + 20;
  const size = cell * k;
  const parts: string[] = [];
  parts.push(`<text x="${left + size / 2}" y="12" text-anchor="middle" class="axis-label">predicted</text>`);
  parts.push(`<text transform="translate(12 ${top + size / 2}) rotate(-90)" text-anchor="middle" class="axis-label">true</text>`);
  labels.forEach((label, i) => {
    const text = escapeHtml(label.length > 18 ? `${label.slice(0, 17)}…` : label);
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" class="tick">${text}</text>`);
    parts.push(`<text transform="translate(${left + i * cell + cell / 2 + 4} ${top - 6}) rotate(-90)" class="tick">${text}</text>`);
  });
  matrix.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      const share = total === 0 ? 0 : count / total;
      const fill = shade(share, t === p);
      const x = left + p * cell;
      const y = top + t * cell;
      parts.push(
        `<rect class="cell" data-true="${t}" data-pred="${p}" data-count="${count}" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff">` +
          `<title>true ${escapeHtml(labels[t])}, predicted ${escapeHtml(labels[p])}: ${count} (${(share * 100).toFixed(1)}% of row)</title></rect>`,
      );
      if (cell >= 18 && count > 0) {
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" class="count" fill="${share > 0.5 ? '#fff' : '#222'}">${count}</text>`);
      }
    });
  });
  const w = left + size + 10;
  const h = top + size + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="confusion matrix">${parts.join('')}</svg>`;
}

function shade(share: number, diagonal: boolean): string {
  // Correct predictions in blue, confusions in red, so mistakes stand out even when rare.
  const a = share === 0 ? 0 : 0.12 + 0.88 * share;
  const [r, g, b] = diagonal ? [37, 99, 235] : [220, 38, 38];
  const mix = (c: number): number => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}
