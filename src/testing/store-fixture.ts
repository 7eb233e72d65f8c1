/**
 * What a conformance suite needs from an implementation under test: a store on fresh, empty
 * storage (its own temp folder, database or schema), a way to open that same storage again,
 * and cleanup.
 */
export interface StoreFixture<S> {
  readonly store: S;
  /** Opens a new handle on the same storage; the suite has closed `store` (where closable) first. */
  reopen(): Promise<S>;
  /** Closes what is still open and deletes the storage. */
  dispose(): Promise<void>;
}

/** Called once per test, so no test sees another's data. */
export type StoreFactory<S> = () => Promise<StoreFixture<S>>;
