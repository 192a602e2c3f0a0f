// The admin page's Releases: IT uploads a signed release and its files, sees the releases and
// which keys the server trusts, sets what each channel offers (ReleaseChannels), and sees which
// workstation runs which version and what its updater last said.
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { ReleaseOverview, WorkstationUpdate } from '../../../shared/update/release-admin';
import { dateAndTime } from '../clinical/clinical-time';
import { adminStrings as s } from '../strings/admin';
import { releaseStrings as r } from '../strings/releases';
import { usePanelProblem } from './use-panel-problem';
import { AdminError } from './admin-api';
import { ReleaseChannels } from './ReleaseChannels';
import { releasesApi, type ReleasesApi } from './releases-api';

const when = (iso: string) => dateAndTime(Date.parse(iso));
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function Releases({
  token,
  onFailed,
}: {
  token: string;
  onFailed: (error: unknown) => void;
}) {
  const id = useId();
  const api = useMemo(() => releasesApi(token), [token]);
  const [overview, setOverview] = useState<ReleaseOverview | null>(null);
  const [workstations, setWorkstations] = useState<WorkstationUpdate[] | null>(null);
  const { problem, setProblem, failedHere } = usePanelProblem(onFailed);
  const [done, setDone] = useState<string | null>(null);
  const reload = useCallback(() => {
    setProblem(null);
    api.overview().then(setOverview, failedHere);
    api.workstations().then(setWorkstations, failedHere);
  }, [api, failedHere]);
  useEffect(reload, [reload]);
  const changed = (message: string) => {
    setDone(message);
    reload();
  };
  const c = r.columns;

  return (
    <section className="admin-panel" aria-labelledby={`${id}-title`} data-testid="releases">
      <div className="admin-panel__heading">
        <h2 id={`${id}-title`} className="admin-panel__title">
          {r.title}
        </h2>
        <button type="button" className="button" onClick={reload} data-testid="releases-refresh">
          {r.refresh}
        </button>
      </div>
      <p className="admin-panel__hint">{r.hint}</p>
      {overview &&
        (overview.trustedKeyIds.length > 0 ? (
          <p className="admin-panel__hint" data-testid="release-keys">
            {r.keys(overview.trustedKeyIds)}
          </p>
        ) : (
          <p className="admin-panel__problem" data-testid="release-keys">
            {r.noKeys}
          </p>
        ))}
      {problem && (
        <p className="admin-panel__problem" role="alert" data-testid="releases-problem">
          {problem}
        </p>
      )}
      <p className="admin-panel__status" role="status" data-testid="releases-status">
        {done}
      </p>
      <UploadRelease api={api} onUploaded={changed} onFailed={onFailed} />
      {overview === null ? (
        !problem && <p className="admin-panel__hint">{r.loading}</p>
      ) : (
        <>
          {overview.releases.length === 0 ? (
            <p className="admin-panel__hint" data-testid="no-releases">
              {r.noReleases}
            </p>
          ) : (
            <table className="admin-table" data-testid="release-table">
              <caption className="visually-hidden">{r.releasesCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{c.version}</th>
                  <th scope="col">{c.platform}</th>
                  <th scope="col">{c.key}</th>
                  <th scope="col">{c.files}</th>
                  <th scope="col">{c.uploaded}</th>
                </tr>
              </thead>
              <tbody>
                {overview.releases.map((rel) => (
                  <tr
                    key={`${rel.platform}-${rel.version}`}
                    data-testid="release-row"
                    data-complete={rel.complete ? 'true' : 'false'}
                  >
                    <th scope="row">{rel.version}</th>
                    <td>{r.platform(rel.platform)}</td>
                    <td className="admin-table__id">{rel.keyId}</td>
                    <td title={rel.files.map((f) => f.name).join('\n')}>
                      {r.filesComplete(
                        rel.files.filter((f) => f.complete).length,
                        rel.files.length,
                      )}
                    </td>
                    <td>{when(rel.uploadedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <ReleaseChannels api={api} overview={overview} onChanged={changed} onFailed={onFailed} />
        </>
      )}
      <WorkstationVersions workstations={workstations} />
    </section>
  );
}

function UploadRelease({
  api,
  onUploaded,
  onFailed,
}: {
  api: ReleasesApi;
  onUploaded: (message: string) => void;
  onFailed: (error: unknown) => void;
}) {
  const id = useId();
  const [json, setJson] = useState<File | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const upload = async () => {
    if (!json) throw new Error(r.noJson);
    let signed: unknown;
    try {
      signed = JSON.parse(await json.text());
    } catch {
      throw new Error(r.jsonUnreadable);
    }
    setProgress(r.uploading(json.name, 1, files.length + 1));
    let release = await api.uploadRelease(signed);
    const named = new Set(release.files.map((f) => f.name));
    const stray = files.filter((f) => !named.has(f.name)).map((f) => f.name);
    const wanted = files.filter((f) => named.has(f.name));
    for (const [i, file] of wanted.entries()) {
      setProgress(r.uploading(file.name, i + 2, wanted.length + 1));
      release = await api.uploadFile(release.platform, release.version, file, file.name);
    }
    const missing = release.files.filter((f) => !f.complete).map((f) => f.name);
    const notes = [
      r.uploaded(release.version, r.platform(release.platform)),
      ...(stray.length ? [r.notInRelease(stray)] : []),
      ...(missing.length ? [r.missingFiles(missing)] : []),
    ];
    return notes.join(' ');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    upload().then(
      (message) => {
        setProgress(null);
        onUploaded(message);
      },
      (error: unknown) => {
        setProgress(null);
        if (error instanceof AdminError && error.unauthenticated) onFailed(error);
        else setProblem(reasonOf(error));
      },
    );
  };

  return (
    <form
      className="admin-fhir-form"
      aria-labelledby={`${id}-title`}
      onSubmit={submit}
      data-testid="release-upload"
    >
      <h3 id={`${id}-title`} className="admin-panel__title">
        {r.uploadTitle}
      </h3>
      <div className="admin-form__fields">
        <label>
          {r.releaseJson}
          <input
            type="file"
            accept=".json,application/json"
            onChange={(event) => setJson(event.target.files?.[0] ?? null)}
            data-testid="release-json"
          />
        </label>
        <label>
          {r.releaseFiles}
          <input
            type="file"
            multiple
            onChange={(event) => setFiles([...(event.target.files ?? [])])}
            data-testid="release-files"
          />
        </label>
      </div>
      {problem && (
        <p className="admin-panel__problem" role="alert" data-testid="upload-problem">
          {problem}
        </p>
      )}
      {progress && (
        <p className="admin-panel__hint" role="status" data-testid="upload-progress">
          {progress}
        </p>
      )}
      <button
        type="submit"
        className="button"
        disabled={progress !== null}
        data-testid="release-upload-submit"
      >
        {r.upload}
      </button>
    </form>
  );
}

function WorkstationVersions({ workstations }: { workstations: WorkstationUpdate[] | null }) {
  const id = useId();
  const c = r.columns;
  if (workstations === null) return null;
  return (
    <div data-testid="workstation-versions">
      <h3 id={`${id}-title`} className="admin-panel__title">
        {r.workstationsTitle}
      </h3>
      {workstations.length === 0 ? (
        <p className="admin-panel__hint">{r.noWorkstations}</p>
      ) : (
        <table className="admin-table" aria-labelledby={`${id}-title`}>
          <caption className="visually-hidden">{r.workstationsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{c.workstation}</th>
              <th scope="col">{c.runs}</th>
              <th scope="col">{c.state}</th>
              <th scope="col">{c.reported}</th>
            </tr>
          </thead>
          <tbody>
            {workstations.map((w) => (
              <tr
                key={w.id}
                data-testid="workstation-version-row"
                data-workstation-id={w.id}
                data-revoked={w.revokedAt ? 'true' : 'false'}
              >
                <th scope="row">
                  <span className="admin-table__name">{w.name}</span>
                  <span className="admin-table__id">{w.unit ? `${w.unit} · ${w.id}` : w.id}</span>
                </th>
                <td data-testid="workstation-version">{w.appVersion}</td>
                <td data-testid="workstation-update-state">
                  {w.lastReport ? (
                    <>
                      {r.state(w.lastReport.state, w.lastReport.offeredVersion)}{' '}
                      <span className="admin-table__id">{r.onChannel(w.lastReport.channel)}</span>
                      {w.lastReport.detail && (
                        <span className="admin-table__id">{w.lastReport.detail}</span>
                      )}
                    </>
                  ) : (
                    <span className="admin-table__none">{r.noReport}</span>
                  )}
                </td>
                <td>{w.lastReport ? when(w.lastReport.reportedAt) : s.never}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
