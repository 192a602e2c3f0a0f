// Beat classes in review: how many beats of each class not called normal are on the paper, and
// buttons that move the paper to the previous or next beat of a class (a V beat by default), as
// the workstation's classifier marked them while the patient was monitored.
import { useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { BeatMark, MarkedBeatClass } from '../../../../shared/api/contract-beats';
import { reasonOf } from '../../api/reason';
import { strings } from '../../strings';

const t = strings.review;
const CLASSES: readonly MarkedBeatClass[] = ['V', 'S', 'F', 'Q'];

export interface ReviewBeatsProps {
  client: WorkstationClient;
  bedId: string;
  /** The beats marked on the paper now (null while they are read). */
  marks: readonly BeatMark[] | null;
  /** Why the marks could not be read (they are then not shown as absent). */
  problem?: string | null;
  centreMs: number | null;
  onJump: (atMs: number) => void;
}

export function ReviewBeats({
  client,
  bedId,
  marks,
  problem = null,
  centreMs,
  onJump,
}: ReviewBeatsProps) {
  const [beatClass, setBeatClass] = useState<MarkedBeatClass>('V');
  const [note, setNote] = useState<string | null>(null);
  const counts = CLASSES.map(
    (c) => [c, (marks ?? []).filter((m) => m.beatClass === c).length] as const,
  );

  const find = async (direction: 'next' | 'previous') => {
    if (centreMs === null) return;
    setNote(null);
    try {
      const found = await client.request('findBeatMark', {
        bedId,
        beatClass,
        // The paper's centre falls between milliseconds; requests name whole ones.
        fromMs: Math.round(centreMs),
        direction,
      });
      if (found) onJump(found.atMs);
      else setNote(direction === 'next' ? t.noNextBeat(beatClass) : t.noPreviousBeat(beatClass));
    } catch (error) {
      setNote(reasonOf(error));
    }
  };

  return (
    <section className="review-events review-beats" aria-label={t.beats} data-testid="review-beats">
      <h2 className="review-events__title">{t.beats}</h2>
      <p className="review-events__hint" data-testid="beats-in-view">
        {problem !== null
          ? t.beatsFailed(problem)
          : marks === null
            ? t.beatsReading
            : counts.some(([, n]) => n > 0)
              ? t.beatsInView(
                  counts
                    .filter(([, n]) => n > 0)
                    .map(([c, n]) => `${n} ${c}`)
                    .join(', '),
                )
              : t.noBeatsInView}
      </p>
      <label className="review-beats__class">
        {t.beatClass}
        <select
          value={beatClass}
          onChange={(e) => setBeatClass(e.target.value as MarkedBeatClass)}
          data-testid="beat-class"
        >
          {CLASSES.map((c) => (
            <option key={c} value={c}>
              {t.beatClasses[c]}
            </option>
          ))}
        </select>
      </label>
      <div className="review-events__walk">
        <button
          type="button"
          className="button"
          disabled={centreMs === null}
          onClick={() => void find('previous')}
          aria-label={t.previousBeatLabel(beatClass)}
          data-testid="previous-beat"
        >
          {t.previousBeat(beatClass)}
        </button>
        <button
          type="button"
          className="button"
          disabled={centreMs === null}
          onClick={() => void find('next')}
          aria-label={t.nextBeatLabel(beatClass)}
          data-testid="next-beat"
        >
          {t.nextBeat(beatClass)}
        </button>
      </div>
      {note && (
        <p className="review-events__hint" role="status" data-testid="beat-note">
          {note}
        </p>
      )}
    </section>
  );
}
