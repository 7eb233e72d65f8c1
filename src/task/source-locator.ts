import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/** A 1-based line and column in a task file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A field path as zod reports it: keys and array indices. */
export type FieldPath = readonly PropertyKey[];

/**
 * Maps field paths of a parsed YAML (or JSON) document back to where they were written, so a
 * schema error can name the line and column the user has to change.
 */
export class SourceLocator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Where the value at `path` starts, or where its key starts when `key` is set. When the path is
   * not in the file (a missing field), the nearest key that is there: for a missing
   * `data.target`, the `data:` key. Undefined only for an empty document.
   */
  locate(path: FieldPath, options: { key?: boolean } = {}): SourcePosition | undefined {
    let node: unknown = this.doc.contents;
    let nearest = this.position(node);
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(segment));
        if (pair === undefined) return nearest;
        const keyPosition = this.position(pair.key);
        if (last && options.key) return keyPosition ?? nearest;
        nearest = keyPosition ?? nearest;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) return nearest;
        nearest = this.position(item) ?? nearest;
        node = item;
      } else {
        return nearest;
      }
    }
    // An empty value (`target:` with nothing after it) has no useful range: point at its key.
    if (isScalar(node) && node.value === null) return nearest;
    return this.position(node) ?? nearest;
  }

  private position(node: unknown): SourcePosition | undefined {
    if (!isNode(node) || node.range === undefined || node.range === null) return undefined;
    const { line, col } = this.lines.linePos(node.range[0]);
    return { line, column: col };
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}
