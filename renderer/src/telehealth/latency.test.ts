import { describe, expect, it } from 'vitest';
import { clockOffsetMs, liveness, newestDataMsOf, type LinkState } from './latency';
import { mergeNotes } from './ConsultNotes';
import { seconds, telehealthStrings as t } from './strings';

const block = (t0: number, n: number, rateHz: number) => ({
  bedId: 'ws/bed-1',
  deviceId: 'd',
  channel: 'MDC_ECG_ELEC_POTL_II',
  rateHz,
  t0,
  values: new Array<number>(n).fill(0),
});

describe('newestDataMsOf', () => {
  it('is the end of the newest block: t0 + n / rateHz', () => {
    expect(newestDataMsOf({ type: 'samples', blocks: [block(10_000, 50, 250)] })).toBe(10_200);
    expect(
      newestDataMsOf({ type: 'samples', blocks: [block(10_000, 25, 125), block(9_900, 250, 250)] }),
    ).toBe(10_900);
    expect(newestDataMsOf({ type: 'samples', blocks: [] })).toBeNull();
  });

  it('takes a numeric’s time (a bed with no wave), and nothing from other events', () => {
    const numeric = { value: 72, unit: '/min', at: 5_000, source: 'd' };
    expect(newestDataMsOf({ type: 'numeric', refId: 'MDC_ECG_HEART_RATE', numeric })).toBe(5_000);
    expect(newestDataMsOf({ type: 'beats', beats: [] })).toBeNull();
  });
});

describe('clockOffsetMs', () => {
  it('is the server’s time against the middle of the round trip', () => {
    expect(clockOffsetMs(1_000_500, 2_000_000, 2_000_200)).toBe(-999_600);
    expect(clockOffsetMs(100, 100, 100)).toBe(0);
  });
});

describe('liveness', () => {
  const base: LinkState = {
    reconnecting: false,
    offline: null,
    newestDataMs: 100_000,
    nowMs: 100_400,
    offsetMs: 0,
  };

  it('says live and how far behind, up to a second', () => {
    expect(liveness(base)).toEqual({ kind: 'live', text: 'Live, 0.4 s behind', behindMs: 400 });
    expect(liveness({ ...base, nowMs: 101_000 })).toMatchObject({
      kind: 'live',
      text: 'Live, 1.0 s behind',
    });
  });

  it('warns past a second, measured on the server’s clock', () => {
    expect(liveness({ ...base, nowMs: 103_200 })).toEqual({
      kind: 'behind',
      text: 'Behind: 3.2 s',
      behindMs: 3200,
    });
    // This page's clock is 5 s slow: the server's now is 105.2 s.
    expect(liveness({ ...base, nowMs: 100_200, offsetMs: 5_000 })).toMatchObject({
      text: 'Behind: 5.2 s',
    });
    // A page clock ahead of the server's never makes the view ahead of the bed.
    expect(liveness({ ...base, nowMs: 100_000, offsetMs: -2_000 })).toMatchObject({
      kind: 'live',
      text: 'Live, 0.0 s behind',
    });
    expect(liveness({ ...base, nowMs: 225_000 })).toMatchObject({ text: 'Behind: 2 min 5 s' });
  });

  it('says reconnecting first, then the clinic’s link, then waiting for data', () => {
    const sinceMs = new Date(2026, 11, 7, 10, 4).getTime();
    const offline = { sinceMs, lastDataMs: sinceMs - 1000 };
    expect(liveness({ ...base, reconnecting: true, offline })).toEqual({
      kind: 'reconnecting',
      text: 'Reconnecting…',
    });
    expect(liveness({ ...base, offline })).toEqual({
      kind: 'clinic-down',
      text: 'The clinic’s link is down since 10:04 — showing what arrived until then',
    });
    expect(liveness({ ...base, newestDataMs: null })).toEqual({
      kind: 'waiting',
      text: t.waitingForData,
    });
  });
});

describe('seconds', () => {
  it('writes tenths under a minute, minutes and seconds above', () => {
    expect(seconds(0)).toBe('0.0 s');
    expect(seconds(-50)).toBe('0.0 s');
    expect(seconds(59_949)).toBe('59.9 s');
    expect(seconds(60_000)).toBe('1 min 0 s');
  });
});

describe('mergeNotes', () => {
  it('keeps each note once, oldest first', () => {
    const note = (id: string, atMs: number, text = 'x') => ({
      id,
      invitationId: '00000000-0000-4000-8000-000000000000',
      text,
      author: 'Dr A',
      atMs,
    });
    const merged = mergeNotes([note('b', 20), note('a', 10)], [note('c', 30), note('b', 20, 'y')]);
    expect(merged.map((n) => [n.id, n.text])).toEqual([
      ['a', 'x'],
      ['b', 'y'],
      ['c', 'x'],
    ]);
  });
});
