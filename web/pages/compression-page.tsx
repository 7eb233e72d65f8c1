import { useMemo } from 'preact/hooks';
import { compressionPlotOptions } from '../../src/evaluate/charts/compression-plot-options.ts';
import { robustnessCurveOption } from '../../src/evaluate/charts/robustness-curve-option.ts';
import type { CompressionView, SecurityView } from '../../src/ui/api-types.ts';
import { api } from '../api.ts';
import { Chart } from '../components/chart.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Loading } from '../components/loading.tsx';
import { formatBytes, formatNumber } from '../format.ts';
import { href } from '../router.ts';
import { useResource } from '../use-resource.ts';

/** A run's compression variants (table and size/latency-against-metric plots) and its robustness curve: the report's charts, from the same builders. */
export function CompressionPage({ runId }: { runId: string }) {
  const data = useResource(() => Promise.all([api.compression(runId), api.security(runId)]), [runId]);
  if (data.error) return <ErrorMessage error={data.error} retry={data.reload} />;
  if (!data.data) return <Loading what="compression and security" />;
  const [compression, security] = data.data;
  return (
    <section aria-labelledby="cs-title">
      <div class="page-head">
        <h1 id="cs-title">Compression &amp; security</h1>
        <a class="button" href={href('runs', runId)}>
          Back to the run
        </a>
      </div>
      <h2>Compression</h2>
      <Compression view={compression} />
      <h2>Security</h2>
      <Security view={security} />
    </section>
  );
}

function Compression({ view }: { view: CompressionView }) {
  const c = view.compression;
  const plots = useMemo(() => c && compressionPlotOptions(c), [c]);
  if (!c || !plots) return <EmptyState title="No compression in this run">Add <code>compress:</code> to the task file to try pruning and quantization.</EmptyState>;
  return (
    <>
      <p>
        Published: <strong>{c.chosen}</strong> — {c.reason}
      </p>
      <div class="scroll">
        <table class="variants">
          <caption>Every variant in every format, measured on its saved file ({c.metric.name} on the test split; latency at batch {c.batch})</caption>
          <thead>
            <tr>
              <th scope="col">variant</th>
              <th scope="col">format</th>
              <th scope="col" class="num">
                parameters
              </th>
              <th scope="col" class="num">
                size
              </th>
              <th scope="col" class="num">
                gzip
              </th>
              <th scope="col" class="num">
                {c.metric.name}
              </th>
              <th scope="col" class="num">
                batch 1 ms
              </th>
              <th scope="col" class="num">
                batch {c.batch} ms
              </th>
              <th scope="col">within tolerance</th>
            </tr>
          </thead>
          <tbody>
            {c.variants.flatMap((v) =>
              v.artifacts.map((a) => (
                <tr key={`${v.name}/${a.format}`} class={v.chosen ? 'chosen' : undefined} data-variant={`${v.name}/${a.format}`}>
                  <th scope="row">
                    {v.name}
                    {v.chosen ? ' ★' : ''}
                  </th>
                  <td>{a.format}</td>
                  <td class="num">{v.params.toLocaleString('en-US')}</td>
                  <td class="num">{formatBytes(a.bytes)}</td>
                  <td class="num">{formatBytes(a.gzipBytes)}</td>
                  <td class="num">{formatNumber(a.metric)}</td>
                  <td class="num">{formatNumber(a.batch1Ms, 3)}</td>
                  <td class="num">{formatNumber(a.batchMs, 2)}</td>
                  <td>{v.withinTolerance ? 'yes' : 'no'}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      <div class="charts">
        <Chart option={plots.size} />
        <Chart option={plots.latency} />
      </div>
    </>
  );
}

function Security({ view }: { view: SecurityView }) {
  const r = view.robustness;
  const curve = useMemo(() => (r?.status === 'measured' ? robustnessCurveOption(r) : undefined), [r]);
  if (!r) return <EmptyState title="No robustness measurement in this run">Add <code>security:</code> to the task file to attack the model and draw its robustness curve.</EmptyState>;
  if (r.status === 'skipped') return <EmptyState title="Robustness was not measured">{r.reason}</EmptyState>;
  return (
    <>
      <p>
        {r.attack} on {r.examples} test examples: clean accuracy <strong>{formatNumber(r.cleanAccuracy)}</strong>
        {r.minimalEpsilon !== undefined && <>; median smallest ε that flips a prediction {r.minimalEpsilon === null ? 'above the largest tried' : formatNumber(r.minimalEpsilon)}</>}
        {r.gate && (
          <>
            ; gate ≥ {r.gate.minRobustAccuracy} at ε = {r.gate.epsilon}: <strong>{r.gate.passed ? 'passed' : 'failed'}</strong>
          </>
        )}
        .
      </p>
      {curve && <Chart option={curve} />}
    </>
  );
}
