// A bed's numerics as tiles, each in its parameter's colour or its alarm's, "---" when not
// current, then NIBP when the bed has a reading: the bedside's column and a central tile's.
import type { Alarm, Numeric } from '../../../shared/model/schemas';
import {
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
}

export function BedNumerics({ parameters, numerics, alarms, isCurrent }: BedNumericsProps) {
  return (
    <>
      {parameters.map((parameter) => {
        const shown = shownParameter(parameter, numerics);
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
          />
        );
      })}
      {numerics[NIBP_REF_IDS.systolic] && (
        <NibpTile numerics={numerics} color={PARAMETER_COLOURS.other} />
      )}
    </>
  );
}
