// The patient's alarm limits: category, and per parameter extreme low / low / high / extreme high.
// Each limit must lie in its parameter's range and none the unit has may be emptied (switching a
// parameter's alarms off asks for a reason instead). Nothing is sent until the person has reviewed
// the list of changes and confirmed it; the request says which version of the limits was edited,
// so a change made meanwhile elsewhere is never undone by this one. The host logs every change.
import { useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import {
  ECTOPY_EVENT_PARAMETERS,
  PatientCategory,
  type AlarmOff,
  type AlarmParameter,
  type BedAlarmSettings,
  type LimitedParameter,
} from '../../../../shared/model/alarms';
import { DEFAULT_LIMITS } from '../../../../shared/model/alarm-defaults';
import { LIMIT_RANGES } from '../../../../shared/model/limit-rules';
import { ApiError } from '../../../../shared/api/errors';
import {
  LIMIT_KEYS,
  LIMITED_PARAMETERS,
  diffLimits,
  fromDraft,
  toDraft,
  validateDraft,
  type LimitKey,
  type LimitsDraft,
} from '../../clinical/alarm-limits';
import { strings } from '../../strings';
import { ReasonForm } from './ReasonForm';
import { reasonOf } from '../../api/reason';

export interface LimitsEditorProps {
  client: WorkstationClient;
  bedId: string;
  settings: BedAlarmSettings;
  alarmsOff: readonly AlarmOff[];
}

const t = strings.limitsEditor;
/**
 * Alarms without limits that a person may switch off with a reason: the non-lethal rhythms, the
 * ventricular ectopy events and the early warning score (lethal rhythms never switch off).
 */
const EVENT_PARAMETERS: readonly AlarmParameter[] = [
  'arrhythmia',
  ...ECTOPY_EVENT_PARAMETERS,
  'news2',
];
const shown = (v: number | null) => (v === null ? t.off : String(v));

export function LimitsEditor({ client, bedId, settings, alarmsOff }: LimitsEditorProps) {
  // The limits the draft was edited from: changes are listed, and sent, against these.
  const [base, setBase] = useState<BedAlarmSettings>(settings);
  const [category, setCategory] = useState<PatientCategory>(settings.category);
  const [draft, setDraft] = useState<LimitsDraft>(() => toDraft(settings.limits));
  const [reviewing, setReviewing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [offFor, setOffFor] = useState<AlarmParameter | null>(null);

  const problems = validateDraft(draft, category);
  const valid = Object.keys(problems).length === 0;
  const changes = valid ? diffLimits(base.limits, fromDraft(draft)) : [];
  const categoryChanged = category !== base.category;
  const nothingChanged = valid && changes.length === 0 && !categoryChanged;
  // Someone changed the limits (another screen, an admission) since this draft began.
  const changedElsewhere = settings.version !== base.version;

  const startAgain = () => {
    setBase(settings);
    setCategory(settings.category);
    setDraft(toDraft(settings.limits));
    setReviewing(false);
    setError(null);
  };

  const edit = (parameter: LimitedParameter, key: LimitKey, value: string) => {
    setReviewing(false);
    setDraft((d) => ({ ...d, [parameter]: { ...d[parameter], [key]: value } }));
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await client.request('setAlarmLimits', {
        bedId,
        category,
        limits: fromDraft(draft),
        version: base.version,
      });
      setBase(saved);
      setCategory(saved.category);
      setDraft(toDraft(saved.limits));
      setReviewing(false);
    } catch (err) {
      setError(t.failed(reasonOf(err)));
      if (err instanceof ApiError && err.code === 'conflict') setReviewing(false);
    } finally {
      setBusy(false);
    }
  };

  const switchOff = async (reason: string) => {
    if (!offFor) return false;
    setBusy(true);
    setError(null);
    try {
      await client.request('setAlarmOff', { bedId, parameter: offFor, off: true, reason });
      setOffFor(null);
      return true;
    } catch (err) {
      setError(t.offFailed(reasonOf(err)));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      className="device-panel limits-editor"
      aria-label={t.title}
      data-testid="limits-editor"
    >
      <h2 className="device-panel__title">{t.title}</h2>
      <div className="device-panel__form">
        <label>
          {t.category}
          <select
            value={category}
            onChange={(e) => {
              setCategory(e.target.value as PatientCategory);
              setReviewing(false);
            }}
            data-testid="limits-category"
          >
            {PatientCategory.options.map((c) => (
              <option key={c} value={c}>
                {t.categories[c]}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button"
          onClick={() => {
            setDraft(toDraft(DEFAULT_LIMITS[category]));
            setReviewing(false);
          }}
          data-testid="limits-defaults"
        >
          {t.useDefaults(t.categories[category])}
        </button>
      </div>
      <p className="device-panel__hint">
        <span data-testid="limits-changed-by">
          {base.changedBy !== null && base.changedAt !== null
            ? t.changedBy(base.changedBy, base.changedAt)
            : t.defaults}
        </span>{' '}
        {t.emptyIsOff}
      </p>
      {changedElsewhere && (
        <p className="device-panel__problem" role="alert" data-testid="limits-stale">
          {settings.changedBy !== null && settings.changedAt !== null
            ? t.changedSince(settings.changedBy, settings.changedAt)
            : t.changedSinceDefaults}{' '}
          <button type="button" className="button" onClick={startAgain} data-testid="limits-reload">
            {t.reload}
          </button>
        </p>
      )}
      <table className="limits-editor__table">
        <thead>
          <tr>
            <th scope="col">{t.parameter}</th>
            {LIMIT_KEYS.map((key) => (
              <th key={key} scope="col">
                {t.keys[key]}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">{t.alarmsOff}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {LIMITED_PARAMETERS.map((p) => {
            const label = strings.alarmParameter[p];
            const problem = problems[p];
            const isOff = alarmsOff.some((o) => o.parameter === p);
            return (
              <tr key={p} data-parameter={p} aria-invalid={problem !== undefined}>
                <th scope="row">
                  {label} <span className="bedside__muted">{strings.alarmParameterUnit[p]}</span>
                  {problem && (
                    <span className="limits-editor__problem" role="alert">
                      {'message' in problem
                        ? problem.message
                        : problem.kind === 'notRising'
                          ? t.notRising
                          : t.notANumber}
                    </span>
                  )}
                </th>
                {LIMIT_KEYS.map((key) => (
                  <td key={key}>
                    <input
                      type="number"
                      inputMode="decimal"
                      step="any"
                      min={LIMIT_RANGES[p].min}
                      max={LIMIT_RANGES[p].max}
                      value={draft[p][key]}
                      aria-label={t.inputLabel(label, t.key[key])}
                      onChange={(e) => edit(p, key, e.target.value)}
                      data-testid={`limit-${p}-${key}`}
                    />
                  </td>
                ))}
                <td>
                  {!isOff && (
                    <button
                      type="button"
                      className="button"
                      aria-expanded={offFor === p}
                      aria-label={t.alarmsOffFor(label)}
                      onClick={() => setOffFor(offFor === p ? null : p)}
                      data-testid={`limits-off-${p}`}
                    >
                      {t.alarmsOff}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3 className="device-panel__title">{t.eventsTitle}</h3>
      <ul className="limits-editor__events" data-testid="limits-events">
        {EVENT_PARAMETERS.map((p) => {
          const off = alarmsOff.find((o) => o.parameter === p);
          return (
            <li key={p} data-parameter={p} data-off={off ? 'true' : 'false'}>
              <span>{strings.alarmParameter[p]}</span>
              {off ? (
                <span className="bedside__muted">
                  {strings.alarmOffMark.detail(strings.alarmParameter[p], off.reason, off.by)}
                </span>
              ) : (
                <button
                  type="button"
                  className="button"
                  aria-expanded={offFor === p}
                  aria-label={t.alarmsOffFor(strings.alarmParameter[p])}
                  onClick={() => setOffFor(offFor === p ? null : p)}
                  data-testid={`limits-off-${p}`}
                >
                  {t.alarmsOff}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {offFor && (
        <ReasonForm
          key={offFor}
          className="device-panel__form"
          label={t.offReason(strings.alarmParameter[offFor])}
          confirmLabel={t.confirmOff}
          busy={busy}
          inputTestId="limits-off-reason"
          confirmTestId="limits-off-confirm"
          onConfirm={switchOff}
          onCancel={() => setOffFor(null)}
        />
      )}
      {!reviewing ? (
        <div className="device-panel__download">
          <button
            type="button"
            className="button"
            disabled={!valid}
            onClick={() => setReviewing(true)}
            data-testid="limits-review"
          >
            {t.review}
          </button>
        </div>
      ) : nothingChanged ? (
        <p className="device-panel__hint" role="status" data-testid="limits-changes">
          {t.noChanges}
        </p>
      ) : (
        <div className="limits-editor__review" data-testid="limits-changes">
          <h3 className="device-panel__title">{t.changesTitle}</h3>
          <ul>
            {categoryChanged && (
              <li data-testid="limits-change">
                {t.categoryChange(t.categories[base.category], t.categories[category])}
              </li>
            )}
            {changes.map((c) => (
              <li key={`${c.parameter}-${c.key}`} data-testid="limits-change">
                {t.change(
                  strings.alarmParameter[c.parameter],
                  t.key[c.key],
                  shown(c.from),
                  shown(c.to),
                  strings.alarmParameterUnit[c.parameter],
                )}
              </li>
            ))}
          </ul>
          <div className="device-panel__download">
            <button
              type="button"
              className="button button--danger"
              disabled={busy}
              onClick={() => void confirm()}
              data-testid="limits-confirm"
            >
              {busy ? t.saving : t.confirm}
            </button>
            <button type="button" className="button" onClick={() => setReviewing(false)}>
              {t.back}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="device-panel__problem" role="alert" data-testid="limits-error">
          {error}
        </p>
      )}
    </section>
  );
}
