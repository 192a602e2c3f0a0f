// Default alarm limits and condition delays for an adult. Per-patient limits and the paediatric and
// neonatal defaults come with the full alarm system; these follow common monitor factory settings.

export interface AlarmSettings {
  heartRate: { low: number; high: number; extremeLow: number; extremeHigh: number };
  spo2: { low: number; severeLow: number };
  /** How long a condition must persist before it alarms (IEC 60601-1-8 alarm condition delay). */
  conditionDelayMs: { heartRate: number; spo2: number };
  /** A device silent this long raises a technical alarm. */
  silenceMs: number;
}

export const ADULT_DEFAULTS: AlarmSettings = {
  heartRate: { low: 50, high: 120, extremeLow: 40, extremeHigh: 150 },
  spo2: { low: 90, severeLow: 85 },
  conditionDelayMs: { heartRate: 3000, spo2: 10_000 },
  silenceMs: 2000,
};
