/**
 * Sorts names the way people number things: all-numeric names by value ('2' < '10', '-1' < '0.5'),
 * otherwise digit runs compare as numbers ('img2' < 'img10'). The result never depends on the
 * locale, so class indices are the same on every machine.
 */
export function sortNaturally(names: Iterable<string>): string[] {
  const list = [...names];
  const allNumeric = list.length > 0 && list.every((s) => NUMBER.test(s.trim()));
  if (allNumeric) return list.sort((a, b) => Number(a) - Number(b) || compareCodeUnits(a, b));
  const keys = new Map(list.map((s) => [s, chunksOf(s)]));
  return list.sort((a, b) => compareChunks(keys.get(a)!, keys.get(b)!) || compareCodeUnits(a, b));
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function chunksOf(s: string): string[] {
  return s.match(/\d+|\D+/g) ?? [];
}

function compareChunks(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    const xDigits = isDigits(x);
    const yDigits = isDigits(y);
    let c: number;
    if (xDigits && yDigits) c = compareDigitRuns(x, y);
    else if (xDigits !== yDigits) c = xDigits ? -1 : 1;
    else c = compareCodeUnits(x.toLowerCase(), y.toLowerCase());
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function isDigits(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 48 && c <= 57;
}

// Compares arbitrarily long digit runs without converting to numbers, which would lose precision.
function compareDigitRuns(x: string, y: string): number {
  const a = x.replace(/^0+(?=\d)/, '');
  const b = y.replace(/^0+(?=\d)/, '');
  return a.length - b.length || compareCodeUnits(a, b);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
