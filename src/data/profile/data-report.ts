import type { Anomaly } from '../schema/anomaly.ts';
import type { DataProfile } from './data-profile.ts';
import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';

/** A training example whose given label a cross-validated model finds unlikely. */
export interface LabelNoiseSuspect {
  /** 1-based data row in the source file. */
  readonly row: number;
  readonly given: string;
  readonly predicted: string;
  /** The model's probability for `predicted`. */
  readonly confidence: number;
}

/** What other data-stage steps add to the report; every part is optional. */
export interface DataReportExtras {
  /** Page title (default "Data report"). */
  readonly title?: string;
  /** Where the data came from (a path), shown under the title. */
  readonly source?: string;
  /** Reader warnings worth showing (skipped rows, values read as missing, ...). */
  readonly warnings?: readonly string[];
  readonly labelNoise?: { readonly suspects: readonly LabelNoiseSuspect[] };
  /** Counts from cleaning, e.g. `{ 'duplicates dropped': 12, 'values imputed': 40 }`. */
  readonly cleaning?: Readonly<Record<string, number>>;
}

export const DATA_REPORT_FORMAT_VERSION = FORMAT_VERSIONS.dataReport;

/** `data-profile.json`: the data report as JSON, everything the HTML page shows. */
export interface DataReport {
  readonly formatVersion: typeof DATA_REPORT_FORMAT_VERSION;
  readonly kind: 'data-report';
  readonly profile: DataProfile;
  /** Absent when the data was not validated against a schema. */
  readonly anomalies?: readonly Anomaly[];
  readonly extras: DataReportExtras;
}

/** Puts the parts of a data report together (the JSON twin of renderDataReportHtml). */
export function buildDataReport(profile: DataProfile, anomalies?: readonly Anomaly[], extras: DataReportExtras = {}): DataReport {
  return { formatVersion: DATA_REPORT_FORMAT_VERSION, kind: 'data-report', profile, ...(anomalies && { anomalies }), extras };
}
