// A bed's numerics as tiles, each in its parameter's colour or its alarm's, "---" when not
// current, a crossed bell when its alarms are off, then NIBP when the bed has a reading: the
// bedside's column and a central tile's.
import type { Alarm, Numeric } from '../../../shared/model/schemas';
import type { AlarmLimits, AlarmOff } from '../../../shared/model/alarms';
import {
  LIMITS_OF_REF_ID,
  PARAMETER_COLOURS,
  alarmPriorityFor,
  shownParameter,
  type NumericParameter,
} from '../clinical/parameters';
import {
  limitAlarmsOff,
  nibpAlarmPriority,
  nibpAlarmsOff,
  rhythmAlarmsOff,
  showsNibp,
} from '../clinical/shown-numerics';
import type { MdcRefId } from '../../../shared/codes/mdc';
import { NibpTile } from './NibpTile';
import { NumericTile } from './NumericTile';

export interface BedNumericsProps {
  parameters: readonly NumericParameter[];
  numerics: Readonly<Record<string, Numeric>>;
  alarms: readonly Alarm[];
  /** Parameters whose alarms a person has switched off. */
  alarmsOff: readonly AlarmOff[];
  /** Whether the device that measured a value (its source id) is connected and current. */
  isCurrent: (source: string | undefined) => boolean;
  /** The patient's alarm limits, shown under each value; none where there is no room. */
  limits?: AlarmLimits | null;
  /** A central tile: NIBP shows its reading's age only. */
  compact?: boolean;
}

export function BedNumerics({
  parameters,
  numerics,
  alarms,
  alarmsOff,
  isCurrent,
  limits = null,
  compact = false,
}: BedNumericsProps) {
  return (
    <>
      {parameters.map((parameter) => {
        const shown = shownParameter(parameter, numerics);
        const key = LIMITS_OF_REF_ID[shown.refId as MdcRefId];
        const limit = limits && key ? limits[key] : null;
        return (
          <NumericTile
            key={parameter.refId}
            refId={parameter.refId}
            label={shown.label}
            unit={shown.unit}
            color={parameter.color}
            decimals={shown.decimals}
            numeric={numerics[shown.refId]}
            alarmPriority={alarmPriorityFor(shown, alarms)}
            sourceLive={isCurrent(numerics[shown.refId]?.source)}
            limits={limit && { low: limit.low ?? undefined, high: limit.high ?? undefined }}
            alarmOff={limitAlarmsOff(shown.refId, alarmsOff)}
            rhythmOff={rhythmAlarmsOff(shown.refId, alarmsOff)}
          />
        );
      })}
      {showsNibp(numerics, alarms) && (
        <NibpTile
          numerics={numerics}
          color={PARAMETER_COLOURS.other}
          alarmPriority={nibpAlarmPriority(alarms)}
          alarmsOff={nibpAlarmsOff(alarmsOff)}
          compact={compact}
        />
      )}
    </>
  );
}
