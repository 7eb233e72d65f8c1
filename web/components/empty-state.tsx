import type { ComponentChildren } from 'preact';

/** Nothing to show, said plainly, with what would make something appear. */
export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state state-empty" data-empty={title}>
      <p>
        <strong>{title}</strong>
      </p>
      {children && <p class="hint">{children}</p>}
    </div>
  );
}
