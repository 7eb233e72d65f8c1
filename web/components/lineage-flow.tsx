import type { LineageView, StepView } from '../../src/ui/api-types.ts';
import { shortHash } from '../format.ts';

/**
 * Lineage from the data version to the model: the raw data, then each step in order with the
 * artifacts it wrote, then the model artifact. A list, so it reads in order with a screen reader.
 */
export function LineageFlow({ lineage, steps }: { lineage: LineageView; steps: readonly StepView[] }) {
  const outputs = (stepId: number): string[] =>
    lineage.links.filter((l) => l.direction === 'output' && l.from === `step:${stepId}`).map((l) => `${l.name} ${shortHash(lineage.nodes.find((n) => n.id === l.to)?.hash)}`);
  return (
    <ol class="lineage" aria-label="lineage from data version to model">
      <li class="lineage-node lineage-data" data-node="data">
        <span class="lineage-kind">data</span> {lineage.dataVersion ? <code title={lineage.dataVersion}>{shortHash(lineage.dataVersion)}</code> : 'not ingested yet'}
        {lineage.preparedDataVersion && (
          <>
            {' '}
            → prepared <code title={lineage.preparedDataVersion}>{shortHash(lineage.preparedDataVersion)}</code>
          </>
        )}
      </li>
      {steps.map((s) => (
        <li key={s.id} class="lineage-node" data-node={`step:${s.name}`}>
          <span class="lineage-kind">step</span> {s.name}
          {outputs(s.id).length > 0 && <span class="lineage-out"> → {outputs(s.id).join(', ')}</span>}
        </li>
      ))}
      <li class="lineage-node lineage-model" data-node="model">
        <span class="lineage-kind">model</span> {lineage.modelHash ? <code title={lineage.modelHash}>{shortHash(lineage.modelHash)}</code> : 'not trained yet'}
      </li>
    </ol>
  );
}
