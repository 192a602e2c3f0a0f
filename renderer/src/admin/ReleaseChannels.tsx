// The admin page's channels of releases: per channel and platform, the version offered, the share
// of workstations it is offered to now, and the minimum version. Offering a version to every
// stable workstation asks for a confirmation first.
import { useId, useState, type FormEvent } from 'react';
import { SEMVER, UpdateChannel, UpdatePlatform } from '../../../shared/update/release';
import { maintenanceWindowProblem } from '../../../shared/update/release-admin';
import type { UpdatePlatform as Platform } from '../../../shared/update/release';
import type {
  ChannelAssignment,
  ReleaseOverview,
  ReleaseSummary,
} from '../../../shared/update/release-admin';
import { dateAndTime } from '../clinical/clinical-time';
import { releaseStrings as r } from '../strings/releases';
import { AdminError } from './admin-api';
import { DangerConfirm } from './DangerConfirm';
import type { ReleasesApi } from './releases-api';

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function ReleaseChannels({
  api,
  overview,
  onChanged,
  onFailed,
}: {
  api: ReleasesApi;
  overview: ReleaseOverview;
  onChanged: (message: string) => void;
  onFailed: (error: unknown) => void;
}) {
  const id = useId();
  const c = r.columns;
  const rows = UpdateChannel.options.flatMap((channel) =>
    UpdatePlatform.options.map((platform) => ({
      channel,
      platform,
      current:
        overview.channels.find((a) => a.channel === channel && a.platform === platform) ?? null,
      versions: overview.releases.filter((rel) => rel.platform === platform && rel.complete),
    })),
  );
  return (
    <div data-testid="release-channels">
      <h3 id={`${id}-title`} className="admin-panel__title">
        {r.channelsTitle}
      </h3>
      <p className="admin-panel__hint">{r.channelsHint}</p>
      <table className="admin-table" aria-labelledby={`${id}-title`}>
        <caption className="visually-hidden">{r.channelsCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{c.channel}</th>
            <th scope="col">{c.version}</th>
            <th scope="col">{c.rollout}</th>
            <th scope="col">{c.minimum}</th>
            <th scope="col">{c.windows}</th>
            <th scope="col">{c.changed}</th>
            <th scope="col">
              <span className="visually-hidden">{c.actions}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <ChannelRow
              key={`${row.channel}-${row.platform}${row.current?.changedAt ?? ''}`}
              api={api}
              {...row}
              onChanged={onChanged}
              onFailed={onFailed}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ChannelRow({
  api,
  channel,
  platform,
  current,
  versions,
  onChanged,
  onFailed,
}: {
  api: ReleasesApi;
  channel: UpdateChannel;
  platform: Platform;
  current: ChannelAssignment | null;
  versions: ReleaseSummary[];
  onChanged: (message: string) => void;
  onFailed: (error: unknown) => void;
}) {
  const [version, setVersion] = useState(current?.version ?? '');
  const [rollout, setRollout] = useState(String(current?.rolloutPercent ?? 10));
  const [minimum, setMinimum] = useState(current?.minimumVersion ?? '');
  const [windows, setWindows] = useState((current?.maintenanceWindows ?? []).join(', '));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const platformName = r.platform(platform);

  const save = () => {
    const rolloutPercent = Number(rollout);
    const minimumVersion = minimum.trim() || null;
    const maintenanceWindows = windowsOf(windows);
    if (version && version !== current?.version) {
      return api.publish({
        channel,
        platform,
        version,
        rolloutPercent,
        minimumVersion,
        maintenanceWindows,
      });
    }
    return api.changeChannel({
      channel,
      platform,
      rolloutPercent,
      minimumVersion,
      maintenanceWindows,
    });
  };
  const done = () => {
    setBusy(false);
    setConfirming(false);
    onChanged(r.saved(channel, platformName));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const rolloutPercent = Number(rollout);
    if (rollout.trim() === '' || !(rolloutPercent >= 0 && rolloutPercent <= 100)) {
      return setProblem(r.rolloutInvalid);
    }
    if (minimum.trim() && !SEMVER.test(minimum.trim())) return setProblem(r.minimumInvalid);
    const badWindow = windowsOf(windows)
      .map(maintenanceWindowProblem)
      .find((p) => p !== null);
    if (badWindow) return setProblem(badWindow);
    setProblem(null);
    const widening =
      channel === 'stable' &&
      rolloutPercent === 100 &&
      (version !== current?.version || current?.rolloutPercent !== 100);
    if (widening) return setConfirming(true);
    setBusy(true);
    save().then(done, (error: unknown) => {
      setBusy(false);
      if (error instanceof AdminError && error.unauthenticated) onFailed(error);
      else setProblem(reasonOf(error));
    });
  };
  const formId = `channel-${channel}-${platform}`;

  return (
    <>
      <tr data-testid="channel-row" data-channel={channel} data-platform={platform}>
        <th scope="row">
          <span className="admin-table__name">{channel}</span>
          <span className="admin-table__id">{platformName}</span>
        </th>
        <td>
          <div className="admin-form__fields">
            <select
              form={formId}
              value={version}
              onChange={(event) => setVersion(event.target.value)}
              aria-label={`${rowLabel(channel, platformName)} ${r.columns.version}`}
              data-testid="channel-version"
            >
              {!current && <option value="">{r.nothingPublished}</option>}
              {versions.map((rel) => (
                <option key={rel.version} value={rel.version}>
                  {rel.version}
                </option>
              ))}
            </select>
          </div>
        </td>
        <td>
          <div className="admin-form__fields">
            <input
              form={formId}
              type="number"
              min={0}
              max={100}
              step={1}
              value={rollout}
              onChange={(event) => setRollout(event.target.value)}
              aria-label={`${rowLabel(channel, platformName)} ${r.columns.rollout}`}
              className="admin-form__hours"
              data-testid="channel-rollout"
            />
          </div>
        </td>
        <td>
          <div className="admin-form__fields">
            <input
              form={formId}
              type="text"
              value={minimum}
              placeholder={r.noMinimum}
              spellCheck={false}
              onChange={(event) => setMinimum(event.target.value)}
              aria-label={`${rowLabel(channel, platformName)} ${r.columns.minimum}`}
              data-testid="channel-minimum"
            />
          </div>
        </td>
        <td>
          <div className="admin-form__fields">
            <input
              form={formId}
              type="text"
              value={windows}
              placeholder={r.windowsPlaceholder}
              spellCheck={false}
              onChange={(event) => setWindows(event.target.value)}
              aria-label={`${rowLabel(channel, platformName)} ${r.columns.windows}`}
              data-testid="channel-windows"
            />
          </div>
        </td>
        <td>{current ? dateAndTime(Date.parse(current.changedAt)) : r.notPublished}</td>
        <td>
          <form id={formId} onSubmit={submit}>
            <button
              type="submit"
              className="button"
              disabled={busy || !version}
              aria-label={r.saveLabel(channel, platformName)}
              data-testid="channel-save"
            >
              {busy ? r.saving : r.save}
            </button>
          </form>
        </td>
      </tr>
      {(problem || confirming) && (
        <tr>
          <td colSpan={7}>
            {problem && (
              <p className="admin-panel__problem" role="alert" data-testid="channel-problem">
                {problem}
              </p>
            )}
            {confirming && (
              <DangerConfirm
                title={r.confirmTitle(version, platformName)}
                hint={r.confirmHint}
                act={save}
                actLabel={r.confirmAct}
                testId="publish-confirm"
                actTestId="confirm-publish"
                onCancel={() => setConfirming(false)}
                onFailed={onFailed}
                onDone={done}
              />
            )}
          </td>
        </tr>
      )}
    </>
  );
}

const windowsOf = (text: string) =>
  text
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

const rowLabel = (channel: string, platform: string) => `${channel} ${platform}`;
