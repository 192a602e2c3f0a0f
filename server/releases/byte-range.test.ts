// Which bytes a GET gets: single ranges, suffixes, open ends, If-Range, and what is refused.
import { describe, expect, it } from 'vitest';
import { byteRangeOf } from './byte-range';

const etag = '"abc"';

describe('byte ranges of a release file', () => {
  it('gives the whole file without a Range, or when If-Range names another version', () => {
    expect(byteRangeOf(undefined, undefined, 100, etag)).toEqual({ kind: 'whole' });
    expect(byteRangeOf('bytes=10-', '"other"', 100, etag)).toEqual({ kind: 'whole' });
    expect(byteRangeOf('bytes=10-', 'Wed, 21 Oct 2015 07:28:00 GMT', 100, etag)).toEqual({
      kind: 'whole',
    });
    expect(byteRangeOf('bytes=0-1,5-9', undefined, 100, etag)).toEqual({ kind: 'whole' });
  });

  it('gives one range, clipped to the file', () => {
    expect(byteRangeOf('bytes=10-', etag, 100, etag)).toEqual({ kind: 'part', start: 10, end: 99 });
    expect(byteRangeOf('bytes=0-0', undefined, 100, etag)).toEqual({
      kind: 'part',
      start: 0,
      end: 0,
    });
    expect(byteRangeOf('bytes=90-500', undefined, 100, etag)).toEqual({
      kind: 'part',
      start: 90,
      end: 99,
    });
    expect(byteRangeOf('bytes=-30', undefined, 100, etag)).toEqual({
      kind: 'part',
      start: 70,
      end: 99,
    });
    expect(byteRangeOf('bytes=-300', undefined, 100, etag)).toEqual({
      kind: 'part',
      start: 0,
      end: 99,
    });
  });

  it('refuses ranges outside the file or that are not ranges', () => {
    for (const range of [
      'bytes=100-',
      'bytes=50-10',
      'bytes=-0',
      'bytes=-',
      'bytes=a-b',
      'items=0-10',
      'bytes=99999999999999999999-',
    ]) {
      expect(byteRangeOf(range, undefined, 100, etag), range).toEqual({ kind: 'unsatisfiable' });
    }
  });
});
