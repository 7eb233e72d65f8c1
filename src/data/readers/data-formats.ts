/** The data formats deepline reads out of the box (the readers registry's built-in keys). */
export const DATA_FORMATS = ['csv', 'tsv', 'jsonl', 'image-folder', 'image-list', 'idx'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

/** The formats read as a table of named columns, where `data.target` names the label column. */
export const TABLE_FORMATS = ['csv', 'tsv', 'jsonl'] as const satisfies readonly DataFormat[];

/**
 * A format read by a plugin's reader (`registries.readers`): a name deepline does not know. Such
 * a reader returns a Dataset, like the image readers, so the run takes the dataset stages
 * (profile, split, normalize) rather than the table stages.
 */
export function isPluginFormat(format: string): boolean {
  return !(DATA_FORMATS as readonly string[]).includes(format);
}
