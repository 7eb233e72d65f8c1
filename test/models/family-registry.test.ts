import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeeplineError } from '../../src/errors/index.ts';
import { registerBuiltins } from '../../src/models/families/builtin-families.ts';
import { FamilyRegistry } from '../../src/models/families/family-registry.ts';
import { mlpFamily } from '../../src/models/families/mlp-family.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

describe('FamilyRegistry', () => {
  it('keys families by modality and name', async () => {
    const registry = new FamilyRegistry();
    await registerBuiltins(registry);
    assert.equal(registry.get('tabular', 'mlp').name, 'mlp');
    assert.equal(registry.get('image', 'cnn').name, 'cnn');
    assert.equal(registry.has('image', 'mlp'), false);
    assert.deepEqual(registry.list('image').map((f) => f.name), ['cnn']);
    // Other built-ins (time series, ...) follow; these three come first, in registration order.
    assert.deepEqual(registry.list().slice(0, 3).map((f) => `${f.modality}/${f.name}`), ['tabular/mlp', 'image/cnn', 'text/text-pool']);
  });

  it('lists the valid names of the modality on a miss and suggests a near one', async () => {
    const registry = await builtinFamilies();
    assert.throws(
      () => registry.get('image', 'cnm'),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_TASK_FIELD' && e.message.includes('did you mean `cnn`') && e.message.includes('valid: cnn') && !e.message.includes('mlp'),
    );
  });

  it('refuses a duplicate registration but allows the same name for another modality', async () => {
    const registry = await builtinFamilies();
    assert.throws(() => registry.register(mlpFamily), (e: unknown) => isDeeplineError(e) && e.code === 'DL_INTERNAL');
    registry.register({ ...mlpFamily, modality: 'image' });
    assert.equal(registry.get('image', 'mlp').modality, 'image');
  });
});
