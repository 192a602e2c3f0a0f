// The alarm colours of both themes, read from renderer/src/styles.css as the browser reads them: every phase of
// a flashing alarm line (and the steady colours) must keep its text readable, WCAG AA 4.5:1. The
// day theme's high-priority flash once dimmed to white on pink, about 1.5:1 (issue 12, item 15).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The stylesheet as the app ships it (read from disk: Vitest does not load CSS into a test).
const css = readFileSync(
  join(import.meta.dirname, '..', '..', 'renderer', 'src', 'styles.css'),
  'utf8',
);

function block(selector: string): string {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`styles.css has no ${selector}`);
  return css.slice(start, css.indexOf('\n}', start));
}

function variables(text: string): Record<string, string> {
  return Object.fromEntries(
    [...text.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]),
  );
}

const night = variables(block(':root'));
const themes = { night, day: { ...night, ...variables(block(":root[data-theme='day']")) } };

function resolve(value: string, vars: Record<string, string>): string {
  const match = /^var\((--[\w-]+)\)$/.exec(value.trim());
  return match ? resolve(vars[match[1]!]!, vars) : value.trim();
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!);
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/**
 * Both phases of a priority's flash: lit is the steady colour, dim is what the rule for
 * `:root[data-flash-<priority>='dim']` sets (clinical/alarm-flash.ts keeps the phase).
 */
function flashPhases(priority: 'high' | 'medium'): Array<{ background: string; color: string }> {
  const start = css.indexOf(`:root[data-flash-${priority}='dim']`);
  if (start < 0) throw new Error(`styles.css has no dim phase for ${priority}`);
  const rule = css.slice(css.indexOf('{', start), css.indexOf('}', start));
  return [
    { background: `var(--alarm-${priority})`, color: `var(--alarm-${priority}-text)` },
    {
      background: /background:\s*([^;]+);/.exec(rule)![1]!,
      color: /color:\s*([^;]+);/.exec(rule)![1]!,
    },
  ];
}

describe('alarm colours keep their text readable in both themes', () => {
  for (const [theme, vars] of Object.entries(themes)) {
    for (const priority of ['high', 'medium'] as const) {
      it(`${priority} flash, both phases, ${theme} theme`, () => {
        const phases = flashPhases(priority);
        expect(phases[1]!.background).toBe(`var(--alarm-${priority}-dim)`);
        for (const step of phases) {
          const ratio = contrast(resolve(step.color, vars), resolve(step.background, vars));
          expect(ratio, `${step.color} on ${step.background}`).toBeGreaterThanOrEqual(4.5);
        }
      });
    }

    it(`steady alarm colours, ${theme} theme`, () => {
      for (const priority of ['high', 'medium', 'low']) {
        const ratio = contrast(
          resolve(`var(--alarm-${priority}-text)`, vars),
          resolve(`var(--alarm-${priority})`, vars),
        );
        expect(ratio, priority).toBeGreaterThanOrEqual(4.5);
      }
    });
  }
});
