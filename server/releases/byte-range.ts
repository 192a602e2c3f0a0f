// Which bytes of a file a GET asks for (RFC 9110 Range and If-Range), so that a workstation resumes
// an interrupted download instead of starting again. Pure.

export type ByteRangeAnswer =
  /** The whole file, 200. */
  | { kind: 'whole' }
  /** Bytes start..end inclusive, 206. */
  | { kind: 'part'; start: number; end: number }
  /** 416 with Content-Range: bytes *\/size. */
  | { kind: 'unsatisfiable' };

/**
 * `range` and `ifRange` are the request's headers; `etag` is the file's strong ETag. A Range
 * whose If-Range names another version (or a date: we give no Last-Modified) gets the whole file;
 * several ranges at once get the whole file too (a server may ignore Range, and electron-updater
 * falls back from multipart).
 */
export function byteRangeOf(
  range: string | undefined,
  ifRange: string | undefined,
  size: number,
  etag: string,
): ByteRangeAnswer {
  if (range === undefined) return { kind: 'whole' };
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'whole' };
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(range);
  if (!m) return { kind: 'unsatisfiable' };
  const specs = m[1]!.split(',').map((spec) => spec.trim());
  if (specs.length > 1) return { kind: 'whole' };
  const spec = /^(\d{0,15})-(\d{0,15})$/.exec(specs[0]!);
  if (!spec || (spec[1] === '' && spec[2] === '')) return { kind: 'unsatisfiable' };
  if (spec[1] === '') {
    // bytes=-N: the last N bytes.
    const suffix = Number(spec[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(spec[1]);
  const end = spec[2] === '' ? size - 1 : Math.min(Number(spec[2]), size - 1);
  if (start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end };
}
