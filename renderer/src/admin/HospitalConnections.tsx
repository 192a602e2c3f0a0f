// The admin page's hospital connections: how the HL7 links stand (ADT in, PCD-01 out: set at the
// server's start, shown here), and the FHIR api's clients (add one with its public key and scopes,
// revoke one after a confirmation).
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { FhirClient, InterfacesStatus } from '../../../shared/sync/interfaces';
import { dateAndTime } from '../clinical/clinical-time';
import { adminStrings as s } from '../strings/admin';
import { usePanelProblem } from './use-panel-problem';
import { AdminError, type AdminApi } from './admin-api';
import { DangerConfirm } from './DangerConfirm';

const when = (iso: string | null) => (iso ? dateAndTime(Date.parse(iso)) : null);
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const DEFAULT_SCOPES =
  'system/Patient.rs system/Encounter.rs system/Location.rs system/Device.rs system/Observation.rs';

interface PanelProps {
  api: AdminApi;
  onFailed: (error: unknown) => void;
}

export function HospitalLinks({ api, onFailed }: PanelProps) {
  const id = useId();
  const [links, setLinks] = useState<InterfacesStatus | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const reload = useCallback(() => {
    setProblem(null);
    api.interfaces().then(setLinks, (error: unknown) => {
      if (error instanceof AdminError && error.unauthenticated) onFailed(error);
      else setProblem(reasonOf(error));
    });
  }, [api, onFailed]);
  useEffect(reload, [reload]);

  return (
    <section className="admin-panel" aria-labelledby={`${id}-title`} data-testid="hospital-links">
      <div className="admin-panel__heading">
        <h2 id={`${id}-title`} className="admin-panel__title">
          {s.linksTitle}
        </h2>
        <button type="button" className="button" onClick={reload} data-testid="links-refresh">
          {s.refresh}
        </button>
      </div>
      <p className="admin-panel__hint">{s.linksHint}</p>
      {problem && (
        <p className="admin-panel__problem" role="alert">
          {problem}
        </p>
      )}
      {links === null ? (
        !problem && <p className="admin-panel__hint">{s.linksLoading}</p>
      ) : (
        <div className="admin-links">
          <div className="admin-link" data-testid="link-adt">
            <h3 className="admin-link__title">{s.adtTitle}</h3>
            {links.adt ? (
              <>
                <p>{s.adtListening(links.adt.address)}</p>
                <p>{s.adtApplied(links.adt.appliedLastDay, when(links.adt.lastAppliedAt))}</p>
                <p>{s.adtCensus(links.adt.censusPatients, links.adt.censusAdmitted)}</p>
              </>
            ) : (
              <p className="admin-panel__hint">{s.adtOff}</p>
            )}
          </div>
          <div className="admin-link" data-testid="link-pcd01">
            <h3 className="admin-link__title">{s.pcd01Title}</h3>
            {links.pcd01 ? (
              <>
                <p>{s.pcd01To(links.pcd01.to, links.pcd01.alarms)}</p>
                <p
                  className={
                    links.pcd01.sendingHere && !links.pcd01.connected
                      ? 'admin-link__warning'
                      : undefined
                  }
                >
                  {s.pcd01Connection(links.pcd01.sendingHere, links.pcd01.connected)}
                </p>
                <p>
                  {s.pcd01Queue(
                    links.pcd01.queued,
                    links.pcd01.setAside,
                    when(links.pcd01.lastAcceptedAt),
                  )}
                </p>
                {links.pcd01.lastProblem && (
                  <p className="admin-link__warning">{s.pcd01Problem(links.pcd01.lastProblem)}</p>
                )}
              </>
            ) : (
              <p className="admin-panel__hint">{s.pcd01Off}</p>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

export function FhirClients({ api, onFailed }: PanelProps) {
  const id = useId();
  const [clients, setClients] = useState<FhirClient[] | null>(null);
  const { problem, setProblem, failedHere } = usePanelProblem(onFailed);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<FhirClient | null>(null);
  const reload = useCallback(() => {
    setProblem(null);
    api.fhirClients().then(setClients, failedHere);
  }, [api, failedHere]);
  useEffect(reload, [reload]);
  const c = s.fhirColumns;

  return (
    <section className="admin-panel" aria-labelledby={`${id}-title`} data-testid="fhir-clients">
      <h2 id={`${id}-title`} className="admin-panel__title">
        {s.fhirTitle}
      </h2>
      <p className="admin-panel__hint">{s.fhirHint}</p>
      {problem && (
        <p className="admin-panel__problem" role="alert" data-testid="fhir-problem">
          {problem}
        </p>
      )}
      <p className="admin-panel__status" role="status" data-testid="fhir-status">
        {done}
      </p>
      {clients !== null &&
        (clients.length === 0 ? (
          <p className="admin-panel__hint">{s.fhirNone}</p>
        ) : (
          <table className="admin-table" data-testid="fhir-client-table">
            <caption className="visually-hidden">{s.fhirCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{c.name}</th>
                <th scope="col">{c.scopes}</th>
                <th scope="col">{c.made}</th>
                <th scope="col">{c.state}</th>
                <th scope="col">
                  <span className="visually-hidden">{s.columns.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {clients.map((client) => (
                <tr key={client.clientId} data-testid="fhir-client-row">
                  <th scope="row">
                    <span className="admin-table__name">{client.name}</span>
                    <span className="admin-table__id">{client.clientId}</span>
                  </th>
                  <td className="admin-table__scopes">{client.scopes.join(' ')}</td>
                  <td>{when(client.createdAt)}</td>
                  <td data-testid="fhir-client-state">
                    {client.revokedAt ? (
                      <strong>{s.revokedAt(when(client.revokedAt)!)}</strong>
                    ) : (
                      s.active
                    )}
                  </td>
                  <td>
                    {!client.revokedAt && (
                      <button
                        type="button"
                        className="button button--danger"
                        aria-label={s.fhirRevokeLabel(client.name)}
                        onClick={() => {
                          setDone(null);
                          setConfirming(client);
                        }}
                        data-testid="fhir-revoke"
                      >
                        {s.revoke}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {confirming && (
        <DangerConfirm
          title={s.fhirRevokeTitle(`${confirming.name} (${confirming.clientId})`)}
          hint={s.fhirRevokeHint}
          act={() => api.revokeFhirClient(confirming.clientId)}
          actLabel={s.fhirConfirmRevoke}
          testId="fhir-revoke-confirm"
          actTestId="fhir-confirm-revoke"
          onCancel={() => setConfirming(null)}
          onFailed={onFailed}
          onDone={(revoked) => {
            setConfirming(null);
            setDone(s.fhirRevoked(revoked.name));
            reload();
          }}
        />
      )}
      <AddFhirClient
        api={api}
        onFailed={onFailed}
        onAdded={(client) => {
          setDone(s.fhirMade(client.name, client.clientId));
          reload();
        }}
      />
    </section>
  );
}

function AddFhirClient({
  api,
  onFailed,
  onAdded,
}: PanelProps & { onAdded: (client: FhirClient) => void }) {
  const id = useId();
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [scopes, setScopes] = useState(DEFAULT_SCOPES);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(key);
    } catch {
      return setProblem(s.fhirKeyNotJson);
    }
    const isSet = typeof parsed === 'object' && parsed !== null && 'keys' in parsed;
    setBusy(true);
    setProblem(null);
    api
      .makeFhirClient({
        name: name.trim(),
        ...(isSet ? { jwks: parsed as never } : { jwk: parsed as never }),
        scopes: scopes.split(/\s+/).filter(Boolean),
      })
      .then(
        (client) => {
          setBusy(false);
          setName('');
          setKey('');
          onAdded(client);
        },
        (error: unknown) => {
          setBusy(false);
          if (error instanceof AdminError && error.unauthenticated) onFailed(error);
          else setProblem(reasonOf(error));
        },
      );
  };

  return (
    <form className="admin-fhir-form" onSubmit={submit} data-testid="fhir-add">
      <div className="admin-form__fields">
        <label>
          {s.fhirName}
          <input
            type="text"
            name="fhir-client-name"
            required
            maxLength={200}
            placeholder={s.fhirNamePlaceholder}
            value={name}
            onChange={(event) => setName(event.target.value)}
            data-testid="fhir-name"
          />
        </label>
        <label className="admin-form__wide">
          {s.fhirScopes}
          <input
            type="text"
            name="fhir-client-scopes"
            required
            spellCheck={false}
            value={scopes}
            onChange={(event) => setScopes(event.target.value)}
            data-testid="fhir-scopes"
          />
        </label>
      </div>
      <label className="admin-form__key">
        {s.fhirKey}
        <textarea
          name="fhir-client-key"
          required
          rows={4}
          spellCheck={false}
          value={key}
          onChange={(event) => setKey(event.target.value)}
          aria-describedby={`${id}-key-hint`}
          aria-invalid={problem ? true : undefined}
          data-testid="fhir-key"
        />
      </label>
      <p className="admin-panel__hint" id={`${id}-key-hint`}>
        {s.fhirKeyHint}
      </p>
      {problem && (
        <p className="admin-panel__problem" role="alert" data-testid="fhir-add-problem">
          {problem}
        </p>
      )}
      <button type="submit" className="button" disabled={busy} data-testid="fhir-add-submit">
        {busy ? s.fhirMaking : s.fhirMake}
      </button>
    </form>
  );
}
