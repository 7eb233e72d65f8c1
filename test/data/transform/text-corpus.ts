import { createSeededRandom } from '../../../src/seed/seeded-random.ts';

const KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  sport: ['goal', 'match', 'team', 'coach', 'league', 'score', 'striker', 'referee', 'season', 'stadium'],
  tech: ['software', 'chip', 'server', 'cloud', 'code', 'startup', 'laptop', 'network', 'robot', 'update'],
  food: ['recipe', 'chef', 'garlic', 'oven', 'pasta', 'flavour', 'menu', 'bread', 'spicy', 'dessert'],
};

const FILLER = ['the', 'a', 'of', 'and', 'to', 'in', 'it', 'was', 'that', 'new', 'people', 'today', 'said', 'very', 'more', 'week', 'after', 'about', 'some', 'many'];

export const CORPUS_CLASSES = Object.keys(KEYWORDS);

/**
 * Short documents of three classes: mostly shared filler words, with a few keywords of the
 * document's class and, now and then, one of another class; mixed case and punctuation so the
 * tokenizer has work to do. Deterministic for a seed.
 */
export function textCorpus(n: number, seed: number): { text: string; label: string }[] {
  const rng = createSeededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)];
  const docs: { text: string; label: string }[] = [];
  for (let i = 0; i < n; i++) {
    const label = pick(CORPUS_CLASSES);
    const length = 6 + rng.int(20);
    const words: string[] = [];
    for (let w = 0; w < length; w++) {
      const r = rng.next();
      const word = r < 0.2 ? pick(KEYWORDS[label]) : r < 0.24 ? pick(KEYWORDS[pick(CORPUS_CLASSES)]) : pick(FILLER);
      words.push(rng.next() < 0.1 ? word[0].toUpperCase() + word.slice(1) : word);
    }
    // At least one keyword of its class, so every document is classifiable in principle.
    words[rng.int(words.length)] = pick(KEYWORDS[label]);
    docs.push({ text: `${words.join(' ')}${pick(['.', '!', '?', ', really.'])}`, label });
  }
  return docs;
}
