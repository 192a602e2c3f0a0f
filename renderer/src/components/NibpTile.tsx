// Non-invasive blood pressure as monitors show it: systolic/diastolic (mean) with the pulse, and
// always the time the cuff measured it. It is an episodic measurement, so an old reading is not
// hidden like a lost live value: it is shown with its age, which is what the clinician must see
// (on a central tile too, where the age alone has room).
import type { AlarmPriority, Numeric } from '../../../shared/model/schemas';
import type { AlarmOff } from '../../../shared/model/alarms';
import { NIBP_REF_IDS } from '../clinical/shown-numerics';
import { useNow } from '../hooks/use-now';
import { strings } from '../strings';
import { StateIcon } from './StateIcon';

export { NIBP_REF_IDS };

export interface NibpTileProps {
  numerics: Readonly<Record<string, Numeric>>;
  color: string;
  /** Priority of the bed's NIBP alarm; the tile takes the alarm colour. */
  alarmPriority?: AlarmPriority | null;
  /** NIBP alarms switched off (systolic, diastolic or mean). */
  alarmsOff?: readonly AlarmOff[];
  /** A central tile: the reading and its age only. */
  compact?: boolean;
}

export function NibpTile({
  numerics,
  color,
  alarmPriority = null,
  alarmsOff = [],
  compact = false,
}: NibpTileProps) {
  const now = useNow(compact ? 60_000 : 30_000);
  const systolic = numerics[NIBP_REF_IDS.systolic];
  const diastolic = numerics[NIBP_REF_IDS.diastolic];
  const mean = numerics[NIBP_REF_IDS.mean];
  const pulse = numerics[NIBP_REF_IDS.pulse];
  // Values measured together belong together: a mean or pulse from another measurement is not shown.
  const sameMeasurement = (numeric: Numeric | undefined) =>
    numeric !== undefined && systolic !== undefined && numeric.at === systolic.at;
  const complete = systolic !== undefined && sameMeasurement(diastolic);
  const offLabels = alarmsOff.map((off) => strings.alarmParameter[off.parameter]).join(', ');
  return (
    <section
      className="numeric numeric--nibp"
      data-testid="nibp"
      data-state={complete ? 'measured' : 'none'}
      data-alarm={alarmPriority ?? undefined}
      data-alarm-off={alarmsOff.length > 0 ? 'true' : undefined}
      aria-label={
        alarmsOff.length > 0
          ? `${strings.nibp.label}, ${strings.alarmOffMark.nibp(offLabels)}`
          : strings.nibp.label
      }
      style={alarmPriority ? undefined : { color }}
    >
      <header className="numeric__header">
        <span className="numeric__label">{strings.nibp.label}</span>
        {alarmsOff.length > 0 && (
          <span
            className="numeric__alarm-off"
            data-testid="alarm-off-mark"
            title={strings.alarmOffMark.nibp(offLabels)}
          >
            <StateIcon name="bell-off" />
            <span className="numeric__alarm-off-words">{strings.alarmOffMark.short}</span>
          </span>
        )}
        {compact && complete ? (
          // A tile has no room for a footer: the age takes the unit's place (NIBP is in mmHg).
          <span className="numeric__unit numeric__age" data-testid="nibp-time">
            {strings.nibp.age(systolic.at, now)}
          </span>
        ) : (
          <span className="numeric__unit">mmHg</span>
        )}
      </header>
      <output className="numeric__value numeric__value--nibp" data-testid="nibp-value">
        {complete ? `${systolic.value}/${diastolic!.value}` : strings.noValue}
        {complete && sameMeasurement(mean) && (
          <span className="numeric__mean"> ({mean!.value})</span>
        )}
      </output>
      {!compact && (
        <footer className="numeric__footer">
          {complete && (
            <span data-testid="nibp-time">
              {strings.nibp.measuredAt(systolic.at, now)}
              {sameMeasurement(pulse) && ` · ${strings.nibp.pulse(pulse!.value)}`}
            </span>
          )}
        </footer>
      )}
    </section>
  );
}
