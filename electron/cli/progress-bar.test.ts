import { describe, expect, it } from 'vitest';
import { progressBar, progressLine } from './progress-bar';

describe('the export progress bar', () => {
  it('fills with the fraction and fits the terminal', () => {
    expect(progressLine(0.5, 'reading', 60)).toBe(
      `[${'#'.repeat(20)}${'.'.repeat(20)}]   50 %  reading`,
    );
    expect(progressLine(1, 'writing', 40, 0).length).toBeLessThan(40);
    expect(progressLine(0.25, 'reading', 80, 75)).toContain('1m 15s left');
  });

  it('draws on a terminal, at most five times a second, and nothing elsewhere', () => {
    const written: string[] = [];
    let now = 0;
    const bar = progressBar({ isTTY: true, columns: 80, write: (t) => written.push(t) }, () => now);
    bar.update(0.1, 'reading');
    now = 100;
    bar.update(0.2, 'reading'); // too soon
    now = 300;
    bar.update(0.3, 'reading');
    bar.done();
    expect(written).toHaveLength(3);
    expect(written[1]).toContain(' 30 %');
    expect(written[2]).toBe('\r\x1b[K');

    const unsized: string[] = [];
    progressBar({ isTTY: true, columns: 0, write: (t) => unsized.push(t) }).update(0.5, 'writing');
    expect(unsized[0]).toContain(' 50 %  writing');

    const piped: string[] = [];
    const quiet = progressBar({ isTTY: false, write: (t) => piped.push(t) });
    quiet.update(0.5, 'reading');
    quiet.done();
    expect(piped).toEqual([]);
  });
});
