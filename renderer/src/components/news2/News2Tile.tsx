// The early warning score among a bed's numerics: the score (or "≥ n" while a parameter is
// missing, never a total that assumes it normal), its clinical response band, and what is
// missing. It takes the alarm colour while the score alarms, and a crossed bell when its alarm is
// off. At the bedside it opens the NEWS2 sheet, where the nurse records observations.
import type { AlarmPriority } from '../../../../shared/model/schemas';
import type { AlarmOff } from '../../../../shared/model/alarms';
import type { News2Status } from '../../../../shared/model/news2';
import { strings } from '../../strings';
import { StateIcon } from '../StateIcon';

const t = strings.news2;

export interface News2TileProps {
  news2: News2Status | null;
  alarmPriority?: AlarmPriority | null;
  alarmOff?: AlarmOff | null;
  /** A central tile: the score and its band in the tile's header, as a chip. */
  compact?: boolean;
  /** Opens the bed's NEWS2 sheet (the bedside). */
  onOpen?: () => void;
}

export function News2Tile({
  news2,
  alarmPriority = null,
  alarmOff = null,
  compact = false,
  onOpen,
}: News2TileProps) {
  if (!news2) return null;
  const missing = news2.missing.map((p) => t.shortParameter[p]).join(', ');
  const value = news2.band === null ? strings.noValue : t.value(news2.atLeast, news2.complete);
  const label = `${t.label} ${value}${news2.band ? `, ${t.band[news2.band]}` : ''}${
    missing ? `, ${t.missing(missing)}` : ''
  }`;
  if (compact) {
    // A central tile has no room for another numeric: the score sits in the tile's header.
    return (
      <span
        className="news2-chip"
        data-testid="news2"
        data-band={news2.band ?? 'none'}
        data-complete={news2.complete}
        data-alarm={alarmPriority ?? undefined}
        data-alarm-off={alarmOff ? 'true' : undefined}
        aria-label={label}
        title={label}
      >
        {t.label}{' '}
        <output className="news2-chip__value" data-testid="news2-value">
          {value}
        </output>
        {news2.band && news2.band !== 'low' && (
          <span className="news2-chip__band" data-testid="news2-band">
            {t.shortBand[news2.band]}
          </span>
        )}
        {alarmOff && <StateIcon name="bell-off" />}
      </span>
    );
  }
  const body = (
    <>
      <header className="numeric__header">
        <span className="numeric__label">{t.label}</span>
        {alarmOff && (
          <span
            className="numeric__alarm-off"
            data-testid="alarm-off-mark"
            title={strings.alarmOffMark.parameter(t.label)}
          >
            <StateIcon name="bell-off" />
            <span className="numeric__alarm-off-words">{strings.alarmOffMark.short}</span>
          </span>
        )}
        <span className="numeric__unit news2__band" data-testid="news2-band">
          {news2.band ? t.band[news2.band] : ''}
        </span>
      </header>
      <output className="numeric__value" data-testid="news2-value">
        {value}
      </output>
      <footer className="numeric__footer">
        {news2.missing.length > 0 && (
          <span className="news2__missing" data-testid="news2-missing" title={t.missing(missing)}>
            {t.missing(missing)}
          </span>
        )}
      </footer>
    </>
  );
  const common = {
    className: onOpen ? 'numeric numeric--news2 numeric--button' : 'numeric numeric--news2',
    'data-testid': 'news2',
    'data-band': news2.band ?? 'none',
    'data-complete': news2.complete,
    'data-state': news2.complete ? 'current' : 'incomplete',
    'data-alarm': alarmPriority ?? undefined,
    'data-alarm-off': alarmOff ? 'true' : undefined,
    'aria-label': label,
  };
  return onOpen ? (
    <button type="button" {...common} onClick={onOpen}>
      {body}
    </button>
  ) : (
    <section {...common}>{body}</section>
  );
}
