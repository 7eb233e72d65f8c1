import type { Registry } from '../../extensions/registry.ts';
import type { AttackEntry } from './attack.ts';
import { fgsmAttack } from './fgsm-attack.ts';
import { pgdAttack } from './pgd-attack.ts';
import { tokenSwapAttack } from './token-swap-attack.ts';

/** Registers deepline's own attacks, keyed by the names `security.attack` takes. */
export function registerBuiltins(registry: Registry<AttackEntry>): void {
  registry.register(fgsmAttack.name, fgsmAttack as AttackEntry);
  registry.register(pgdAttack.name, pgdAttack as AttackEntry);
  registry.register(tokenSwapAttack.name, tokenSwapAttack as AttackEntry);
}
