// The bed's logged alarms and events over the retention, newest first; each one a button that
// opens the paper centred on it, with previous / next buttons to walk them in time.
import type { AlarmLogItem } from '../../../../shared/api/contract';
import { strings } from '../../strings';

const t = strings.review;

export interface ReviewEventsProps {
  events: readonly AlarmLogItem[] | null;
  error: string | null;
  /** The moment in the middle of the paper: the event nearest it is marked current. */
  centreMs: number | null;
  onJump: (atMs: number) => void;
  onPrevious: () => void;
  onNext: () => void;
}

export function ReviewEvents({
  events,
  error,
  centreMs,
  onJump,
  onPrevious,
  onNext,
}: ReviewEventsProps) {
  const has = (events?.length ?? 0) > 0;
  return (
    <section className="review-events" aria-label={t.events}>
      <h2 className="review-events__title">{t.events}</h2>
      <div className="review-events__walk">
        <button
          type="button"
          className="button"
          onClick={onPrevious}
          disabled={!has}
          aria-label={t.previousEventLabel}
          data-testid="previous-event"
        >
          {t.previousEvent}
        </button>
        <button
          type="button"
          className="button"
          onClick={onNext}
          disabled={!has}
          aria-label={t.nextEventLabel}
          data-testid="next-event"
        >
          {t.nextEvent}
        </button>
      </div>
      {error && (
        <p className="review-events__problem" role="alert">
          {t.eventsFailed(error)}
        </p>
      )}
      {events && events.length === 0 && <p className="review-events__hint">{t.eventsEmpty}</p>}
      {has && (
        <ol className="review-events__list" data-testid="review-events">
          {events!.map((event, i) => (
            <li key={`${event.atMs}-${i}`}>
              <button
                type="button"
                className="review-events__event"
                aria-current={
                  centreMs !== null && Math.abs(event.atMs - centreMs) < 500 ? 'true' : undefined
                }
                aria-label={t.eventJump(event.message)}
                onClick={() => onJump(event.atMs)}
              >
                {t.eventText(event.atMs, event.event, event.message)}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
