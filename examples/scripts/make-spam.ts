/**
 * Writes examples/data/spam.csv: a synthetic corpus of 1,200 short messages labelled spam or ham,
 * for `npm run bench:tabular` (no spam corpus ships in a Debian or npm package this project may use).
 * Deterministic (fixed seed): `node --import tsx examples/scripts/make-spam.ts`. Spam draws on
 * offers, money and urgency words, ham on everyday plans; both share filler words and a few words
 * of the other class, messages vary in length, and 4% of the labels are flipped, so a good model
 * is right about 95% of the time, not always.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SPAM = ['free', 'win', 'winner', 'prize', 'cash', 'claim', 'offer', 'urgent', 'credit', 'loan', 'click', 'link', 'bonus', 'discount', 'deal', 'guaranteed', 'call', 'now', 'reward', 'selected', 'congratulations', 'txt', 'unsubscribe', 'limited'];
const HAM = ['lunch', 'tomorrow', 'meeting', 'home', 'dinner', 'mum', 'thanks', 'later', 'tonight', 'sorry', 'love', 'class', 'bus', 'weekend', 'movie', 'birthday', 'work', 'coffee', 'morning', 'ok', 'see', 'soon', 'call', 'now'];
const FILLER = ['the', 'a', 'you', 'to', 'is', 'for', 'your', 'and', 'we', 'i', 'it', 'on', 'at', 'this', 'get', 'just', 'are', 'me', 'will', 'have'];

let state = 20261205;
const random = (): number => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const rows: string[] = ['message,label'];
for (let i = 0; i < 1200; i++) {
  const spam = random() < 0.35;
  const own = spam ? SPAM : HAM;
  const other = spam ? HAM : SPAM;
  const words: string[] = [];
  const length = 4 + Math.floor(random() * 12);
  for (let w = 0; w < length; w++) {
    const r = random();
    words.push(r < 0.22 ? pick(own) : r < 0.3 ? pick(other) : pick(FILLER));
  }
  const label = random() < 0.04 ? !spam : spam;
  rows.push(`"${words.join(' ')}",${label ? 'spam' : 'ham'}`);
}
writeFileSync(join(import.meta.dirname, '..', 'data', 'spam.csv'), `${rows.join('\n')}\n`);
