import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DeeplineError } from '../errors/index.ts';

/** The header that carries the per-launch token. */
export const TOKEN_HEADER = 'x-deepline-token';

/**
 * Lets a state-changing request through only when the server was started with
 * `--allow-actions` and the request carries the per-launch token. The token is compared in
 * constant time (both sides hashed to the same length first, so not even its length leaks).
 */
export function requireAction(allowActions: boolean, token: string | undefined, sent: string | string[] | undefined): void {
  if (!allowActions || token === undefined) {
    throw new DeeplineError('DL_UI_FORBIDDEN', 'actions are off: this deepline ui was started without --allow-actions, so models cannot be promoted or rolled back from it', {
      hint: 'restart it with `deepline ui --allow-actions` and send the token it prints in the x-deepline-token header, or use `deepline registry promote|rollback`',
    });
  }
  const given = Array.isArray(sent) ? sent[0] : sent;
  if (given === undefined || given === '') {
    throw new DeeplineError('DL_UI_FORBIDDEN', `this action needs the ${TOKEN_HEADER} header with the token deepline ui printed at start`, {
      hint: `send \`${TOKEN_HEADER}: <token>\`; the token changes at every launch`,
    });
  }
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(given), digest(token))) {
    throw new DeeplineError('DL_UI_FORBIDDEN', `the ${TOKEN_HEADER} header does not hold this launch's token`, {
      hint: 'use the token deepline ui printed when it started (it changes at every launch)',
    });
  }
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * A server bound to a loopback address answers only requests whose Host names this machine, so a
 * web page elsewhere cannot reach it by pointing its own domain name at 127.0.0.1 (DNS
 * rebinding). A server bound to another address (the user chose `--host`) takes any Host.
 */
export function checkHost(host: string | undefined, address: AddressInfo | string | null): void {
  if (address === null || typeof address === 'string' || !isLoopback(address.address)) return;
  const name = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (!LOOPBACK_NAMES.has(name)) {
    throw new DeeplineError('DL_UI_FORBIDDEN', `this deepline ui listens on ${address.address} and answers only requests for localhost, not for ${JSON.stringify(host ?? '')}`, {
      hint: `open http://127.0.0.1:${address.port}/ (or start it with --host to serve other names)`,
    });
  }
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1';
}
