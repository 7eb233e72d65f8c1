/**
 * Thrown by an attack given a model or input it cannot attack (a text model that does not start
 * with an embedding layer, say). The robustness step records the reason and skips the
 * measurement rather than failing the run.
 */
export class AttackUnsupported extends Error {
  override readonly name = 'AttackUnsupported';
}
