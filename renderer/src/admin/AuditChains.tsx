// Each workstation's audit chain as the server checks it whole: intact, broken at its first
// problem (an entry removed, edited or moved), or with entries still to arrive.
import { useCallback, useEffect, useId, useState } from 'react';
import { dateAndTime } from '../clinical/clinical-time';
import type { AuditApi, ChainState } from './audit-api';
import { auditStrings as a } from './audit-strings';

export function AuditChains({
  api,
  onFailed,
}: {
  api: AuditApi;
  onFailed: (error: unknown) => void;
}) {
  const id = useId();
  const [chains, setChains] = useState<ChainState[] | null>(null);
  const check = useCallback(() => {
    setChains(null);
    api.chains().then(setChains, onFailed);
  }, [api, onFailed]);
  useEffect(check, [check]);
  const c = a.chainColumns;

  return (
    <div aria-labelledby={`${id}-title`} role="region" data-testid="audit-chains">
      <div className="admin-panel__heading">
        <h3 id={`${id}-title`} className="admin-panel__title">
          {a.chainsTitle}
        </h3>
        <button type="button" className="button" onClick={check} data-testid="audit-chains-check">
          {a.checkChains}
        </button>
      </div>
      <p className="admin-panel__hint">{a.chainsHint}</p>
      {chains === null ? (
        <p className="admin-panel__hint">{a.chainsLoading}</p>
      ) : chains.length === 0 ? (
        <p className="admin-panel__hint">{a.noWorkstations}</p>
      ) : (
        <table className="admin-table" data-testid="audit-chain-table">
          <caption className="visually-hidden">{a.chainsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{c.workstation}</th>
              <th scope="col">{c.state}</th>
              <th scope="col">{c.checked}</th>
              <th scope="col">{c.why}</th>
            </tr>
          </thead>
          <tbody>
            {chains.map((w) => (
              <tr key={w.workstationId} data-testid="audit-chain-row" data-state={w.state}>
                <th scope="row">
                  <span className="admin-table__name">{w.workstationName}</span>
                  <span className="admin-table__id">{w.workstationId}</span>
                </th>
                <td>
                  {w.state === 'broken' ? <strong>{a.state.broken}</strong> : a.state[w.state]}
                </td>
                <td>{a.checked(w.checkedCount)}</td>
                <td>
                  {w.message}
                  {w.lastReceivedAt && w.state !== 'intact'
                    ? ` (${dateAndTime(Date.parse(w.lastReceivedAt))})`
                    : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
