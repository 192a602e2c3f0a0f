import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POINTS_PER_SECOND,
  MAX_POINTS_PER_SECOND,
  MIN_POINTS_PER_SECOND,
} from '../../../shared/telehealth/viewer';
import { pointsPerSecond, refusalWords, tokenFromFragment, viewerSocketUrl } from './viewer-link';
import { shutOutBy } from './viewer-connection';
import { telehealthStrings as t } from './strings';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUv_-0123';

describe('tokenFromFragment', () => {
  it('reads the token of #t=… (with or without other parameters)', () => {
    expect(tokenFromFragment(`#t=${TOKEN}`)).toBe(TOKEN);
    expect(tokenFromFragment(`#x=1&t=${TOKEN}`)).toBe(TOKEN);
    expect(tokenFromFragment(`t=${TOKEN}`)).toBe(TOKEN);
  });

  it('takes nothing that is not a token the server could have made', () => {
    expect(tokenFromFragment('')).toBeNull();
    expect(tokenFromFragment('#/bed/a')).toBeNull();
    expect(tokenFromFragment('#t=short')).toBeNull();
    expect(tokenFromFragment(`#t=${TOKEN}%3Cscript%3E`)).toBeNull();
    expect(tokenFromFragment(`#t=${'a'.repeat(101)}`)).toBeNull();
  });
});

describe('pointsPerSecond', () => {
  it('is the sweep’s device pixels across over the seconds it shows (25 mm/s ≈ 94.5 px/s)', () => {
    expect(pointsPerSecond(800)).toBe(95);
    // The width cancels out: a wider sweep shows more seconds, not more points per second.
    expect(pointsPerSecond(360)).toBe(95);
    expect(pointsPerSecond(800, 2)).toBe(189);
    expect(pointsPerSecond(800, 3, 50)).toBe(567);
  });

  it('is clamped to what the server accepts, and the default before the width is known', () => {
    expect(pointsPerSecond(800, 20, 50)).toBe(MAX_POINTS_PER_SECOND);
    expect(pointsPerSecond(800, 0.1, 12.5)).toBe(MIN_POINTS_PER_SECOND);
    expect(pointsPerSecond(0)).toBe(DEFAULT_POINTS_PER_SECOND);
    expect(pointsPerSecond(Number.NaN)).toBe(DEFAULT_POINTS_PER_SECOND);
    expect(pointsPerSecond(800, Number.NaN)).toBe(95);
  });
});

describe('viewerSocketUrl', () => {
  it('is the page’s own host, the matching scheme, the socket path and ?pps=', () => {
    expect(viewerSocketUrl({ protocol: 'https:', host: 'central.example:8443' }, 189)).toBe(
      'wss://central.example:8443/telehealth/ws?pps=189',
    );
    expect(viewerSocketUrl({ protocol: 'http:', host: '127.0.0.1:9' }, 94.6)).toBe(
      'ws://127.0.0.1:9/telehealth/ws?pps=95',
    );
  });
});

describe('refusalWords', () => {
  it('shows the server’s sentence, and the tries left after a wrong code', () => {
    const words = refusalWords(403, {
      error: 'wrong-code',
      message: 'That code is not the one for this link.',
      attemptsLeft: 3,
    });
    expect(words).toEqual({
      error: 'wrong-code',
      message: 'That code is not the one for this link.',
      attemptsLeft: '3 tries left before the link locks.',
    });
    expect(
      refusalWords(403, { error: 'wrong-code', message: 'No.', attemptsLeft: 1 }),
    ).toMatchObject({ attemptsLeft: '1 try left before the link locks.' });
    expect(
      refusalWords(410, { error: 'ended', message: 'The consult’s time is up.', attemptsLeft: 2 }),
    ).toMatchObject({ error: 'ended', attemptsLeft: null });
  });

  it('says plainly when the answer is not a refusal it can read (a proxy’s page, nothing)', () => {
    const expected = { error: 'unreadable', message: t.unreadableAnswer(502), attemptsLeft: null };
    expect(refusalWords(502, '<html>Bad gateway</html>')).toEqual(expected);
    expect(refusalWords(502, null)).toEqual(expected);
    expect(refusalWords(502, { error: 'wrong-code', message: '  ' })).toEqual(expected);
    expect(refusalWords(502, { error: 'teapot', message: 'x' })).toEqual(expected);
  });
});

describe('shutOutBy', () => {
  it('ends the page on the viewer close codes, with the close reason as the sentence', () => {
    expect(shutOutBy({ code: 4003, reason: 'The consult was ended at the bed.' })).toEqual({
      ended: true,
      sentence: 'The consult was ended at the bed.',
    });
    expect(shutOutBy({ code: 4003, reason: '' })).toEqual({ ended: true, sentence: t.endedTitle });
    expect(shutOutBy({ code: 4001, reason: '' })).toEqual({
      ended: false,
      sentence: t.notSignedIn,
    });
  });

  it('leaves every other close to the bridge’s reconnection', () => {
    expect(shutOutBy({ code: 1006, reason: '' })).toBeNull();
    expect(shutOutBy({ code: 1001, reason: 'going away' })).toBeNull();
    expect(shutOutBy({ code: 1011, reason: 'server error' })).toBeNull();
  });
});
