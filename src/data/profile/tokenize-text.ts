const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/**
 * Lower-cased runs of letters and digits (an apostrophe inside a word is kept: "don't"), for
 * profiling text columns. Unicode-aware, so accented and non-Latin words stay whole.
 */
export function tokenizeText(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}
