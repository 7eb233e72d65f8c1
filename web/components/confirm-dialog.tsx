import { useEffect, useRef, useState } from 'preact/hooks';

export interface ConfirmRequest {
  readonly title: string;
  readonly message: string;
  readonly confirmLabel: string;
  /** Ask for a reason to record with the change (default yes); a deletion records nothing. */
  readonly askReason?: boolean;
}

/**
 * A modal confirmation (a native <dialog>: focus stays inside, Escape cancels) for an action that
 * changes state. It asks for a reason to record and for the per-launch token `deepline ui
 * --allow-actions` printed (kept for this browser tab once given).
 */
export function ConfirmDialog({ request, busy, error, onConfirm, onCancel }: { request: ConfirmRequest; busy: boolean; error?: string; onConfirm: (reason: string, token: string) => void; onCancel: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [token, setToken] = useState(() => sessionStorage.getItem('deepline-token') ?? '');
  useEffect(() => {
    const d = dialog.current!;
    if (!d.open) d.showModal();
    const cancel = (e: Event): void => {
      e.preventDefault();
      onCancel();
    };
    d.addEventListener('cancel', cancel);
    return () => d.removeEventListener('cancel', cancel);
  }, [onCancel]);
  const submit = (e: Event): void => {
    e.preventDefault();
    sessionStorage.setItem('deepline-token', token.trim());
    onConfirm(reason.trim(), token.trim());
  };
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-title">
      <form method="dialog" onSubmit={submit}>
        <h2 id="confirm-title">{request.title}</h2>
        <p>{request.message}</p>
        {request.askReason !== false && (
          <label>
            <span>Reason (recorded with the change)</span>
            <input type="text" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} maxLength={500} />
          </label>
        )}
        <label>
          <span>
            Token printed by <code>deepline ui --allow-actions</code>
          </span>
          <input type="password" required autoComplete="off" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
        </label>
        {error && (
          <p class="state-error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" class="primary danger" disabled={busy || token.trim() === ''}>
            {busy ? 'Working…' : request.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
