// The bed's NEWS2 sheet: what the score is made of (each parameter's value and score, what is
// missing), what the nurse last recorded for this stay (who, when), and the form to record air or
// oxygen, consciousness on ACVPU, a temperature by hand and the SpO₂ scale a clinician chose. The
// score's alarm can be switched off here with a reason, like any other. On the hospital central
// station (watched, never acted on) the form is not shown.
import { useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { AlarmOff } from '../../../../shared/model/alarms';
import {
  NEWS2_PARAMETERS,
  type Acvpu,
  type News2Observation,
  type News2Status,
} from '../../../../shared/model/news2';
import { reasonOf } from '../../api/reason';
import { useNow } from '../../hooks/use-now';
import { strings } from '../../strings';
import { ReasonForm } from '../alarms/ReasonForm';

const t = strings.news2;
const ACVPU: readonly Acvpu[] = ['A', 'C', 'V', 'P', 'U'];

export interface News2PanelProps {
  client: WorkstationClient;
  bedId: string;
  news2: News2Status | null;
  hasPatient: boolean;
  /** False on the hospital central station: the sheet only shows. */
  actsOnBeds: boolean;
  alarmOff: AlarmOff | null;
}

type Choice<T> = T | '';

export function News2Panel({
  client,
  bedId,
  news2,
  hasPatient,
  actsOnBeds,
  alarmOff,
}: News2PanelProps) {
  const now = useNow(30_000);
  const [scale, setScale] = useState<Choice<'1' | '2'>>('');
  const [oxygen, setOxygen] = useState<Choice<'air' | 'oxygen'>>('');
  const [acvpu, setAcvpu] = useState<Choice<Acvpu>>('');
  const [temperature, setTemperature] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [offAsked, setOffAsked] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const observation: News2Observation = {};
    if (scale) observation.spo2Scale = scale === '2' ? 2 : 1;
    if (oxygen) observation.onOxygen = oxygen === 'oxygen';
    if (acvpu) observation.consciousness = acvpu;
    if (temperature.trim() !== '') observation.temperature = Number(temperature.replace(',', '.'));
    if (Object.keys(observation).length === 0) {
      setProblem(t.nothingChosen);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await client.request('recordNews2Observation', { bedId, observation });
      setScale('');
      setOxygen('');
      setAcvpu('');
      setTemperature('');
    } catch (error) {
      setProblem(reasonOf(error));
    } finally {
      setBusy(false);
    }
  };

  const switchOff = async (reason: string) => {
    setBusy(true);
    try {
      await client.request('setAlarmOff', { bedId, parameter: 'news2', off: true, reason });
      setOffAsked(false);
      return true;
    } catch (error) {
      setProblem(strings.limitsEditor.offFailed(reasonOf(error)));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const part = (parameter: (typeof NEWS2_PARAMETERS)[number]) =>
    news2?.parts.find((p) => p.parameter === parameter) ?? null;
  const recorded = news2?.recorded ?? null;
  const recordedLine = (
    entry: { by: string; atMs: number } | null | undefined,
    shown: string | undefined,
  ) =>
    entry && shown ? `${shown} (${t.recordedBy(entry.by, entry.atMs, now)})` : t.nothingRecorded;

  return (
    <section className="device-panel news2-panel" aria-label={t.title} data-testid="news2-panel">
      <h2 className="device-panel__title">{t.title}</h2>
      {news2 && (
        <p className="news2-panel__score" data-testid="news2-panel-score" data-band={news2.band}>
          <strong>
            {t.label} {t.value(news2.atLeast, news2.complete)}
          </strong>
          {news2.band && ` — ${t.band[news2.band]}`}
        </p>
      )}
      <table className="news2-panel__parts" data-testid="news2-parts">
        <caption className="visually-hidden">{t.partsCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.parameterHeading}</th>
            <th scope="col">{t.valueHeading}</th>
            <th scope="col">{t.scoreHeading}</th>
          </tr>
        </thead>
        <tbody>
          {NEWS2_PARAMETERS.map((parameter) => {
            const scored = part(parameter);
            return (
              <tr
                key={parameter}
                data-parameter={parameter}
                data-score={scored?.score ?? 'missing'}
              >
                <th scope="row">{t.parameter[parameter]}</th>
                <td>{scored ? t.shownValue(parameter, scored.value) : t.notMeasured}</td>
                <td className="news2-panel__points">{scored ? scored.score : '?'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="device-panel__hint">{t.freshness}</p>
      <dl className="news2-panel__recorded" data-testid="news2-recorded">
        <dt>{t.scale}</dt>
        <dd>
          {recordedLine(
            recorded?.spo2Scale,
            recorded?.spo2Scale ? `${recorded.spo2Scale.value}` : undefined,
          )}
        </dd>
        <dt>{t.airOrOxygen}</dt>
        <dd>
          {recordedLine(
            recorded?.onOxygen,
            recorded?.onOxygen ? (recorded.onOxygen.value ? t.oxygen : t.air) : undefined,
          )}
        </dd>
        <dt>{t.consciousness}</dt>
        <dd>
          {recordedLine(
            recorded?.consciousness,
            recorded?.consciousness ? t.acvpu[recorded.consciousness.value] : undefined,
          )}
        </dd>
        <dt>{t.temperature}</dt>
        <dd>
          {recordedLine(
            recorded?.temperature,
            recorded?.temperature ? `${recorded.temperature.value.toFixed(1)} °C` : undefined,
          )}
        </dd>
      </dl>
      {actsOnBeds && !hasPatient && <p className="device-panel__hint">{t.noPatient}</p>}
      {actsOnBeds && hasPatient && (
        <form className="news2-panel__form" noValidate onSubmit={(e) => void submit(e)}>
          <h3 className="device-panel__title">{t.recordHeading}</h3>
          <fieldset>
            <legend>{t.airOrOxygen}</legend>
            {(['air', 'oxygen'] as const).map((value) => (
              <label key={value}>
                <input
                  type="radio"
                  name="news2-oxygen"
                  value={value}
                  checked={oxygen === value}
                  onChange={() => setOxygen(value)}
                  data-testid={`news2-${value}`}
                />
                {value === 'air' ? t.air : t.oxygen}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t.consciousness}</legend>
            {ACVPU.map((level) => (
              <label key={level}>
                <input
                  type="radio"
                  name="news2-acvpu"
                  value={level}
                  checked={acvpu === level}
                  onChange={() => setAcvpu(level)}
                  data-testid={`news2-acvpu-${level}`}
                />
                {t.acvpu[level]}
              </label>
            ))}
          </fieldset>
          <label className="news2-panel__temperature">
            {t.temperature}
            <input
              type="number"
              inputMode="decimal"
              step="0.1"
              min={25}
              max={45}
              value={temperature}
              onChange={(e) => setTemperature(e.target.value)}
              data-testid="news2-temperature"
            />
          </label>
          <fieldset>
            <legend>{t.scale}</legend>
            {(['1', '2'] as const).map((value) => (
              <label key={value}>
                <input
                  type="radio"
                  name="news2-scale"
                  value={value}
                  checked={scale === value}
                  onChange={() => setScale(value)}
                  data-testid={`news2-scale-${value}`}
                />
                {value === '1' ? t.scale1 : t.scale2}
              </label>
            ))}
            <p className="device-panel__hint">{t.scaleNote}</p>
          </fieldset>
          <div className="device-panel__download">
            <button type="submit" className="button" disabled={busy} data-testid="news2-record">
              {busy ? t.recording : t.record}
            </button>
            {!alarmOff && (
              <button
                type="button"
                className="button"
                aria-expanded={offAsked}
                onClick={() => setOffAsked((asked) => !asked)}
                data-testid="news2-alarm-off"
              >
                {strings.limitsEditor.alarmsOffFor(t.label)}
              </button>
            )}
          </div>
        </form>
      )}
      {offAsked && (
        <ReasonForm
          className="device-panel__form"
          label={strings.limitsEditor.offReason(t.label)}
          confirmLabel={strings.limitsEditor.confirmOff}
          busy={busy}
          inputTestId="news2-off-reason"
          confirmTestId="news2-off-confirm"
          onConfirm={switchOff}
          onCancel={() => setOffAsked(false)}
        />
      )}
      {problem && (
        <p className="device-panel__problem" role="alert" data-testid="news2-problem">
          {problem}
        </p>
      )}
    </section>
  );
}
