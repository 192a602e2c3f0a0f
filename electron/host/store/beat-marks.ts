// Beats the classifier did not call normal (S, V, F, Q), kept as annotations of kind `beat` whose
// text is the class (store worker side): marked in review, exported with the record, synced.
// Found by bed and time (annotations_bed_at).
import type { PGlite } from '@electric-sql/pglite';

export const BEAT_MARK_KIND = 'beat';
export type MarkedBeatClass = 'S' | 'V' | 'F' | 'Q';

export interface StoredBeatMark {
  atMs: number;
  beatClass: MarkedBeatClass;
}

export async function readBeatMarks(
  db: PGlite,
  bedId: string,
  fromMs: number,
  toMs: number,
): Promise<StoredBeatMark[]> {
  const { rows } = await db.query<{ at_ms: number | bigint; text: string }>(
    `SELECT at_ms, text FROM annotations
      WHERE bed_id = $1 AND kind = $2 AND at_ms >= $3 AND at_ms < $4 ORDER BY at_ms, id`,
    [bedId, BEAT_MARK_KIND, Math.floor(fromMs), Math.ceil(toMs)],
  );
  return rows.map((r) => ({ atMs: Number(r.at_ms), beatClass: r.text as MarkedBeatClass }));
}

/** The first beat of this class strictly after (or before) a moment, or null. */
export async function findBeatMark(
  db: PGlite,
  bedId: string,
  beatClass: MarkedBeatClass,
  fromMs: number,
  direction: 'next' | 'previous',
): Promise<StoredBeatMark | null> {
  const next = direction === 'next';
  const { rows } = await db.query<{ at_ms: number | bigint }>(
    `SELECT at_ms FROM annotations
      WHERE bed_id = $1 AND kind = $2 AND text = $3 AND at_ms ${next ? '>' : '<'} $4
      ORDER BY at_ms ${next ? 'ASC' : 'DESC'} LIMIT 1`,
    [bedId, BEAT_MARK_KIND, beatClass, next ? Math.floor(fromMs) : Math.ceil(fromMs)],
  );
  return rows[0] ? { atMs: Number(rows[0].at_ms), beatClass } : null;
}
