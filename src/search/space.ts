/** A JSON value, so a trial's parameters (and a genome built from them) are plain data. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One trial's sampled values, keyed by parameter name; inactive conditional parameters are absent. */
export type Params = Readonly<Record<string, JsonValue>>;

/**
 * Makes a parameter conditional: it is active only when `parent` is itself active and its sampled
 * value is one of `values` (compared as JSON). `depth >= 3` over an int depth in [1, 5] is written
 * `{ parent: 'depth', values: [3, 4, 5] }`; a list rather than a predicate keeps the space plain data
 * that a task file can state and a stored study can replay.
 */
export interface Condition {
  readonly parent: string;
  readonly values: readonly JsonValue[];
}

interface ParamBase {
  readonly name: string;
  readonly condition?: Condition;
}

/** An integer in [low, high] on the grid low + k·step; `log` samples uniformly in log space (step must then be 1). */
export interface IntParam extends ParamBase {
  readonly kind: 'int';
  readonly low: number;
  readonly high: number;
  readonly step?: number;
  readonly log?: boolean;
}

/** A real in [low, high]; `log` samples uniformly in log space (low > 0); `step` discretises (not with log). */
export interface FloatParam extends ParamBase {
  readonly kind: 'float';
  readonly low: number;
  readonly high: number;
  readonly step?: number;
  readonly log?: boolean;
}

/** One of a list of JSON values; samplers pick an index, so choices need not be strings. */
export interface CategoricalParam extends ParamBase {
  readonly kind: 'categorical';
  readonly choices: readonly JsonValue[];
}

export type Param = IntParam | FloatParam | CategoricalParam;

/**
 * An ordered list of parameters. A parent precedes its children, so a sampler that walks the list
 * in order always knows whether a parameter is active before it would sample it.
 */
export interface SearchSpace {
  readonly params: readonly Param[];
}
