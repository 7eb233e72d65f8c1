import type { ColumnType } from '../table.ts';
import { CategoricalColumnBuilder } from './categorical-column-builder.ts';
import { TextColumnBuilder } from './text-column-builder.ts';
import { TypedColumnBuilder } from './typed-column-builder.ts';

export type ColumnBuilder = TypedColumnBuilder | CategoricalColumnBuilder | TextColumnBuilder;

/** The builder that stores a column of `type`; undefined (type not known yet) stores categories. */
export function createColumnBuilder(name: string, type: ColumnType | undefined): ColumnBuilder {
  switch (type) {
    case 'numeric':
    case 'boolean':
    case 'date':
      return new TypedColumnBuilder(name, type);
    case 'text':
      return new TextColumnBuilder(name);
    case 'categorical':
      return new CategoricalColumnBuilder(name);
    case undefined:
      return new CategoricalColumnBuilder(name, true);
  }
}
