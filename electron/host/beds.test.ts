import { describe, expect, it } from 'vitest';
import { bedIdFor } from './beds';

describe('bed ids', () => {
  it('follow from the label, so a bed keeps its id (and its history) across restarts', () => {
    expect(bedIdFor('Bed 1')).toBe('bed-1');
    expect(bedIdFor('Bed 1 (demo)')).toBe('bed-1-demo');
    expect(bedIdFor('ICU 4')).toBe('bed-icu-4');
    expect(bedIdFor('Lit n° 7 — Réa')).toBe('bed-lit-n-7-rea');
    expect(bedIdFor('!!!')).toBe('bed-unnamed');
  });

  it('two labels that read the same get distinct ids', () => {
    expect(bedIdFor('bed 1', new Set(['bed-1']))).toBe('bed-1-2');
    expect(bedIdFor('BED-1', new Set(['bed-1', 'bed-1-2']))).toBe('bed-1-3');
  });
});
