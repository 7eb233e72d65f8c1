import type { Column } from '../table.ts';
import { cellSyntax } from './cell-syntax.ts';

/** Collects a free-text column as strings (null = missing): there is nothing smaller to keep. */
export class TextColumnBuilder {
  readonly kind = 'text';
  readonly type = 'text';
  readonly values: (string | null)[] = [];
  nonMissing = 0;

  constructor(readonly name: string) {}

  get length(): number {
    return this.values.length;
  }

  push(raw: string | null): void {
    if (raw === null || cellSyntax.isMissing(raw)) {
      this.values.push(null);
      return;
    }
    this.nonMissing++;
    this.values.push(raw);
  }

  padMissing(count: number): void {
    for (let i = 0; i < count; i++) this.values.push(null);
  }

  finish(): Column {
    return { name: this.name, type: 'text', values: this.values };
  }
}
