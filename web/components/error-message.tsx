import { ApiRequestError } from '../api.ts';

/** A request that failed: the server's message and hint, and a way to try again. */
export function ErrorMessage({ error, retry }: { error: Error; retry?: () => void }) {
  const coded = error instanceof ApiRequestError ? error : undefined;
  return (
    <div class="state state-error" role="alert">
      <p>
        <strong>{coded ? `${coded.code}: ` : ''}</strong>
        {error.message}
      </p>
      {coded?.hint && <p class="hint">{coded.hint}</p>}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
