/**
 * Lower-cases and splits on everything that is not a letter or a digit (any script), so "Don't!"
 * gives ["don", "t"]. One function for fitting the vocabulary, training and serving, so a text
 * is cut into the same tokens everywhere.
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

const TOKEN = /[\p{L}\p{N}]+/gu;
