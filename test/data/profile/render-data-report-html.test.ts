import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset } from '../../../src/data/dataset.ts';
import { buildDataReport } from '../../../src/data/profile/data-report.ts';
import { profileImages } from '../../../src/data/profile/profile-images.ts';
import { profileTable } from '../../../src/data/profile/profile-table.ts';
import { renderDataReportHtml } from '../../../src/data/profile/render-data-report-html.ts';
import { svgHistogram } from '../../../src/data/profile/svg-histogram.ts';
import type { Anomaly } from '../../../src/data/schema/anomaly.ts';
import { makeTable } from './make-table.ts';

const table = makeTable('<kind>', {
  'weight & <size>': { type: 'numeric', values: [4, 5, 30, 25, null, 4] },
  colour: { type: 'categorical', values: ['<b>black</b>', 'white', 'black', 'brown', 'black', 'black'] },
  note: { type: 'text', values: ['purrs a lot', 'purrs', 'barks at the mail', null, 'barks', 'purrs a lot'] },
  '<kind>': { type: 'categorical', values: ['cat', 'cat', 'dog', 'dog', 'dog', 'cat'] },
});

const anomalies: Anomaly[] = [
  { column: 'colour', kind: 'unseen-category', severity: 'warning', message: 'column "colour" has 1 value never seen in training: "<i>teal</i>"', examples: [] },
  { column: 'weight & <size>', kind: 'out-of-range', severity: 'error', message: 'column "weight & <size>" is out of range', examples: [] },
];

describe('renderDataReportHtml', () => {
  it('renders a table profile, anomalies and extras into one escaped, script-free page', () => {
    const html = renderDataReportHtml(profileTable(table), anomalies, {
      title: 'pets',
      source: 'pets.csv',
      labelNoise: { suspects: [{ row: 3, given: 'dog', predicted: 'cat', confidence: 0.61 }, { row: 7, given: '<dog>', predicted: 'cat', confidence: 0.93 }] },
      cleaning: { 'duplicates dropped': 1, 'values imputed': 1 },
    });
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<b>black<\/b>|<i>teal|<size>|<dog>/, 'every data value is escaped');
    assert.match(html, /weight &amp; &lt;size&gt;/);
    assert.match(html, /Anomalies: 1 error, 1 warning/);
    // Errors are listed before warnings.
    assert.ok(html.indexOf('class="error">error') < html.indexOf('class="warning">warning'));
    assert.match(html, /&lt;i&gt;teal&lt;\/i&gt;/);
    assert.match(html, /Label-noise suspects \(2\)/);
    assert.ok(html.indexOf('>0.930<') < html.indexOf('>0.610<'), 'suspects sorted by confidence');
    assert.match(html, /<td class="l">duplicates dropped<\/td><td>1<\/td>/);
    assert.match(html, /correlation ratio|cramers-v/);
    assert.match(html, /<td class="l">cat<\/td><td>3<\/td><td>50%<\/td>/, 'class balance row');
    assert.ok((html.match(/<svg /g) ?? []).length >= 3, 'histograms for the numeric and text columns');
  });

  it('says so when the data has no anomalies, and leaves the section out when it was not validated', () => {
    const p = profileTable(table);
    assert.match(renderDataReportHtml(p, []), /None: the data matches the schema/);
    assert.doesNotMatch(renderDataReportHtml(p), /Anomalies/);
  });

  it('renders a profile read back from JSON, where NaN statistics became null', () => {
    const t = makeTable('y', { empty: { type: 'numeric', values: [null, null, null] }, y: { type: 'categorical', values: ['a', 'b', 'a'] } });
    const html = renderDataReportHtml(JSON.parse(JSON.stringify(profileTable(t))));
    assert.doesNotMatch(html, /null|NaN/);
    assert.match(html, /no values/);
  });

  it('renders image profiles with a sample strip per class', async () => {
    const ds: Dataset = {
      n: 4,
      featureShape: [2, 2, 1],
      x: Float32Array.from({ length: 16 }, (_, i) => i * 16),
      y: Float32Array.from([0, 1, 0, 1]),
      target: { kind: 'class', name: 'digit', classes: ['zero', 'one'] },
    };
    const html = renderDataReportHtml(await profileImages(ds));
    assert.equal((html.match(/<img class="strip"/g) ?? []).length, 2);
    assert.match(html, /src="data:image\/png;base64,/);
    assert.match(html, /4 images of 2×2×1/);
  });
});

describe('buildDataReport', () => {
  it('keeps the profile, anomalies and extras as JSON', () => {
    const p = profileTable(table);
    const report = JSON.parse(JSON.stringify(buildDataReport(p, anomalies, { cleaning: { x: 1 } })));
    assert.equal(report.kind, 'data-report');
    assert.equal(report.profile.rows, 6);
    assert.equal(report.anomalies.length, 2);
    assert.deepEqual(report.extras, { cleaning: { x: 1 } });
    assert.equal('anomalies' in buildDataReport(p), false);
  });
});

describe('svgHistogram', () => {
  it('draws one bar per bin, scaled to the largest count', () => {
    const svg = svgHistogram({ title: 'h', histogram: { edges: [0, 1, 2, 3], counts: [2, 4, 1] }, height: 150 });
    const heights = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill/g)].map((m) => Number(m[1]));
    // Plot height 150 - 22 - 22 = 106.
    assert.deepEqual(heights, [53, 106, 26.5]);
    assert.match(svg, /<title>1 – 2: 4<\/title>/);
  });
});
