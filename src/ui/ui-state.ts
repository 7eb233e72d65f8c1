import type { RunIndex } from './run-index.ts';
import type { StoreWatcher } from './store-watcher.ts';
import type { UiWorkspace } from './ui-workspace.ts';

/** What every route group of the UI server shares. */
export interface UiState {
  readonly workspace: UiWorkspace;
  readonly index: RunIndex;
  readonly watcher: StoreWatcher;
  readonly allowActions: boolean;
  /** The per-launch token, when actions are allowed. */
  readonly token?: string;
  readonly version: string;
  /** Prediction logs; undefined: `<home>/predictions`. */
  readonly predictionsDir: string | undefined;
  /** `deepline monitor`'s results; undefined: `<home>/monitor`. */
  readonly monitorDir: string | undefined;
}
