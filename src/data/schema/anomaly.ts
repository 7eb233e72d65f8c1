/** What is wrong with a column of new data against the training schema. */
export type AnomalyKind = 'missing-column' | 'extra-column' | 'type-mismatch' | 'unseen-category' | 'out-of-range' | 'missing-rate';

/**
 * `error`: the model cannot take the data as it is, or most of a column has moved (a validation
 * fails); `warning`: worth a look, but the data can be used.
 */
export type AnomalySeverity = 'error' | 'warning';

/** One offending value: how often it occurs, and the first data row (1-based, header not counted) where it does. */
export interface AnomalyExample {
  readonly value: string;
  readonly count?: number;
  readonly row?: number;
}

export interface Anomaly {
  readonly column: string;
  readonly kind: AnomalyKind;
  readonly severity: AnomalySeverity;
  /** Names the column and the values at fault, and says what training had. */
  readonly message: string;
  readonly examples: readonly AnomalyExample[];
  /** Rows affected, where that is countable. */
  readonly rows?: number;
}
