// Non-invasive blood pressure as monitors show it: systolic/diastolic (mean) with the pulse, and
// always the time the cuff measured it. It is an episodic measurement, so an old reading is not
// hidden like a lost live value: it is shown with its age, which is what the clinician must see.
import type { Numeric } from '../../../shared/model/schemas';
import { useNow } from '../hooks/use-now';
import { strings } from '../strings';

export const NIBP_REF_IDS = {
  systolic: 'MDC_PRESS_BLD_NONINV_SYS',
  diastolic: 'MDC_PRESS_BLD_NONINV_DIA',
  mean: 'MDC_PRESS_BLD_NONINV_MEAN',
  pulse: 'MDC_PULS_RATE_NON_INV',
} as const;

export interface NibpTileProps {
  numerics: Readonly<Record<string, Numeric>>;
  color: string;
}

export function NibpTile({ numerics, color }: NibpTileProps) {
  const now = useNow(30_000);
  const systolic = numerics[NIBP_REF_IDS.systolic];
  const diastolic = numerics[NIBP_REF_IDS.diastolic];
  const mean = numerics[NIBP_REF_IDS.mean];
  const pulse = numerics[NIBP_REF_IDS.pulse];
  // Values measured together belong together: a mean or pulse from another measurement is not shown.
  const sameMeasurement = (numeric: Numeric | undefined) =>
    numeric !== undefined && systolic !== undefined && numeric.at === systolic.at;
  const complete = systolic !== undefined && sameMeasurement(diastolic);
  return (
    <section
      className="numeric numeric--nibp"
      data-testid="nibp"
      data-state={complete ? 'measured' : 'none'}
      aria-label={strings.nibp.label}
      style={{ color }}
    >
      <header className="numeric__header">
        <span className="numeric__label">{strings.nibp.label}</span>
        <span className="numeric__unit">mmHg</span>
      </header>
      <output className="numeric__value numeric__value--nibp" data-testid="nibp-value">
        {complete ? `${systolic.value}/${diastolic!.value}` : strings.noValue}
        {complete && sameMeasurement(mean) && (
          <span className="numeric__mean"> ({mean!.value})</span>
        )}
      </output>
      <footer className="numeric__footer">
        {complete && (
          <span data-testid="nibp-time">
            {strings.nibp.measuredAt(systolic.at, now)}
            {sameMeasurement(pulse) && ` · ${strings.nibp.pulse(pulse!.value)}`}
          </span>
        )}
      </footer>
    </section>
  );
}
