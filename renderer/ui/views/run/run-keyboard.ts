// The Run view by keyboard: Enter answers the question with its primary action ("Run step",
// "Yes, run it", "Retry step", "Mark done") unless the key belongs to a field or a button,
// and after every answer focus goes to the next thing to do, never to the page body.
import { useEffect, useRef, type RefObject } from 'react';

/** Elements that own Enter themselves (a terminal's hidden textarea does not: it only shows output). */
const OWNS_ENTER = 'input, textarea, select, button, a[href], summary, [contenteditable=""], [contenteditable="true"], [role="button"], [role="link"], [role="textbox"]';

export function useEnterRunsPrimary(view: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || event.defaultPrevented || event.isComposing) return;
      if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
      const root = view.current;
      if (!root || document.querySelector('dialog[open]')) return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      if (target && !target.closest('.xterm') && target.closest(OWNS_ENTER)) return;
      const primary = root.querySelector<HTMLButtonElement>('.decision [data-primary]:not(:disabled)');
      if (!primary) return;
      event.preventDefault();
      primary.click();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [view]);
}

/**
 * Moves focus to what `key` names once it is on screen: the question's primary button (or its
 * first field), the running step's heading, or the outcome. Only when focus is nowhere (the
 * body, after the button pressed went away) or inside this view, never out of a dialog.
 */
export function useFocusNextThing(view: RefObject<HTMLElement | null>, key: string | null): void {
  const done = useRef<string | null>(null);
  useEffect(() => {
    if (key === null || done.current === key) return;
    const frame = requestAnimationFrame(() => {
      const root = view.current;
      if (!root) return;
      const active = document.activeElement;
      if (active?.closest('dialog[open]')) return;
      const free = active === null || active === document.body || root.contains(active);
      if (!free) {
        done.current = key;
        return;
      }
      const target = findTarget(root, key);
      if (!target) return; // not rendered yet: tried again on the next render
      done.current = key;
      if (!target.contains(active) && !(key.startsWith('prompt:') && root.querySelector('.decision')?.contains(active))) {
        target.focus({ preventScroll: false });
      }
    });
    return () => cancelAnimationFrame(frame);
    // On every render: the question's panel may appear a render after the key changes.
  });
}

function findTarget(root: HTMLElement, key: string): HTMLElement | null {
  if (key.startsWith('outcome:')) return root.querySelector<HTMLElement>('[data-focus="outcome"]');
  if (key.startsWith('running:')) return root.querySelector<HTMLElement>('.step-panel-title');
  const panel = root.querySelector<HTMLElement>('.decision');
  if (!panel) return null;
  return (
    panel.querySelector<HTMLElement>('[data-primary]:not(:disabled)') ??
    panel.querySelector<HTMLElement>('input:not(:disabled), textarea:not(:disabled)') ??
    panel.querySelector<HTMLElement>('button:not(:disabled)')
  );
}
