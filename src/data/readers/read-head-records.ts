import { readDelimited } from './read-delimited.ts';

/** One record as written, before anything decides which is the header. */
export interface HeadRecord {
  readonly cells: readonly string[];
  /** The 1-based line the record starts on. */
  readonly line: number;
}

/**
 * The first `max` records of a CSV/TSV file with no record taken as the header and no field
 * counts checked, for detectHeaderLine. Reads through readDelimited, so an encoding problem or a
 * binary file is the same DL_DATA_FORMAT as on a full read; blank lines are skipped.
 */
export async function readHeadRecords(file: string, delimiter: ',' | '\t', max: number): Promise<HeadRecord[]> {
  const records: HeadRecord[] = [];
  await readDelimited(
    file,
    {
      delimiter,
      progressTotal: 0,
      headerLine: Number.POSITIVE_INFINITY,
      onAboveHeader: (cells, line) => {
        records.push({ cells, line });
        return records.length < max;
      },
    },
    () => false,
  );
  return records;
}
