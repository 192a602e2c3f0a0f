// A bed's numerics as tiles, each in its parameter's colour or its alarm's, "---" when not
// current, then NIBP when the bed has a reading: the bedside's column and a central tile's.
import type { Alarm, Numeric } from '../../../shared/model/schemas';
import type { AlarmLimits } from '../../../shared/model/alarms';
import {
  LIMITS_OF_REF_ID,
  PARAMETER_COLOURS,
  alarmPriorityFor,
  shownParameter,
  type NumericParameter,
} from '../clinical/parameters';
import { NibpTile, NIBP_REF_IDS } from './NibpTile';
import { NumericTile } from './NumericTile';

export interface BedNumericsProps {
  parameters: readonly NumericParameter[];
  numerics: Readonly<Record<string, Numeric>>;
  alarms: readonly Alarm[];
  /** Whether the device that measured a value (its source id) is connected and current. */
  isCurrent: (source: string | undefined) => boolean;
  /** The patient's alarm limits, shown under each value; none where there is no room. */
  limits?: AlarmLimits | null;
}

export function BedNumerics({
  parameters,
  numerics,
  alarms,
  isCurrent,
  limits = null,
}: BedNumericsProps) {
  return (
    <>
      {parameters.map((parameter) => {
        const shown = shownParameter(parameter, numerics);
        const key = LIMITS_OF_REF_ID[shown.refId];
        const limit = limits && key ? limits[key] : null;
        return (
          <NumericTile
            key={parameter.refId}
            refId={parameter.refId}
            label={shown.label}
            unit={shown.unit}
            color={parameter.color}
            decimals={parameter.decimals}
            numeric={numerics[shown.refId]}
            alarmPriority={alarmPriorityFor(parameter, alarms)}
            sourceLive={isCurrent(numerics[shown.refId]?.source)}
            limits={limit && { low: limit.low ?? undefined, high: limit.high ?? undefined }}
          />
        );
      })}
      {numerics[NIBP_REF_IDS.systolic] && (
        <NibpTile numerics={numerics} color={PARAMETER_COLOURS.other} />
      )}
    </>
  );
}
