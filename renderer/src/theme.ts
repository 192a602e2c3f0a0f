// The screen's theme (night or day) as code sees it: canvases cannot use CSS variables, so their
// colours are read from the theme, and they redraw when the theme changes.
import { useEffect, useState } from 'react';

/** A `var(--name)` colour as the current theme defines it; any other colour as it is. */
export function themeColour(colour: string): string {
  const variable = /^var\((--[\w-]+)\)$/.exec(colour);
  if (!variable || typeof document === 'undefined') return colour;
  return getComputedStyle(document.documentElement).getPropertyValue(variable[1]!).trim() || colour;
}

/** Calls `onChange` whenever the theme switches; returns the function that stops it. */
export function onThemeChange(onChange: () => void): () => void {
  if (typeof MutationObserver === 'undefined') return () => {};
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

/** The theme's name (night / day), re-rendering when it changes: canvases drawn from it redraw. */
export function useThemeName(): string {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? '');
  useEffect(() => onThemeChange(() => setTheme(document.documentElement.dataset.theme ?? '')), []);
  return theme;
}
