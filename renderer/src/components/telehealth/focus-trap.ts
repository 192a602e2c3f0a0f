// Keeps the keyboard inside a modal dialog: Tab from the last control goes to the first and
// Shift+Tab from the first to the last; the dialog's first control takes focus when it opens, and
// the control that opened it gets focus back when it closes (a nurse using the keyboard is not
// left at the top of the page).
import { useEffect, type KeyboardEvent, type RefObject } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Moves focus into `dialog` once, and back to what had it when the dialog goes. */
export function useFocusReturn(dialog: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const container = dialog.current;
    const first = container
      ? (container.querySelector<HTMLElement>('[autofocus]') ?? tabStops(container)[0])
      : undefined;
    first?.focus();
    return () => opener?.focus();
  }, [dialog]);
}

/** The dialog's keydown: Tab cycles inside it, Escape calls `onEscape`. */
export function trapKeys(event: KeyboardEvent<HTMLElement>, onEscape: () => void): void {
  if (event.key === 'Escape') {
    event.preventDefault();
    onEscape();
    return;
  }
  if (event.key !== 'Tab') return;
  const controls = tabStops(event.currentTarget);
  if (controls.length === 0) return;
  const first = controls[0]!;
  const last = controls[controls.length - 1]!;
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !event.currentTarget.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !event.currentTarget.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

/** The controls Tab stops at in `container`, in order (shown, enabled, one radio per group). */
function tabStops(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) =>
      (element.offsetParent !== null || element === document.activeElement) && tabStop(element),
  );
}

/** A radio button is a Tab stop only when checked, or as the first of a group none is checked in. */
function tabStop(element: HTMLElement): boolean {
  if (!(element instanceof HTMLInputElement) || element.type !== 'radio' || element.checked) {
    return true;
  }
  const group = element.form?.elements.namedItem(element.name);
  if (!(group instanceof RadioNodeList)) return true;
  const radios = [...group].filter((r): r is HTMLInputElement => r instanceof HTMLInputElement);
  return !radios.some((r) => r.checked) && radios[0] === element;
}
