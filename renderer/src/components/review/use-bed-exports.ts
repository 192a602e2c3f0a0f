// A bed's exports as React state: those the workstation lists for the bed when the view opens,
// and those started here, each running one followed by its id (the bridge follows it again
// after a reconnect; the host never starts it twice). Start and cancel go through the contract.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { RequestInput } from '../../../../shared/api/contract';
import type { ExportStatus } from '../../../../shared/api/contract-exports';
import { ApiError } from '../../../../shared/api/errors';
import { reasonOf } from '../../api/reason';

export interface BedExport {
  status: ExportStatus;
  /** Why it is no longer followed (the workstation restarted and forgot it), or null. */
  lost: string | null;
  /** Why a cancel was refused, or null. */
  cancelProblem: string | null;
  cancelling: boolean;
}

export type StartExport = Omit<RequestInput<'startExport'>, 'bedId'>;

export function useBedExports(client: WorkstationClient, bedId: string) {
  const [exports, setExports] = useState<BedExport[]>([]);
  const [listProblem, setListProblem] = useState<string | null>(null);
  const followed = useRef(new Map<string, () => void>());

  const update = useCallback((id: string, change: (item: BedExport) => BedExport) => {
    setExports((all) => all.map((item) => (item.status.id === id ? change(item) : item)));
  }, []);

  const add = useCallback((statuses: ExportStatus[]) => {
    setExports((all) => {
      const known = new Set(all.map((item) => item.status.id));
      const added = statuses
        .filter((status) => !known.has(status.id))
        .map((status) => ({ status, lost: null, cancelProblem: null, cancelling: false }));
      return [...added, ...all].sort((a, b) => b.status.startedAtMs - a.status.startedAtMs);
    });
  }, []);

  // What the workstation has for this bed (exports started on another screen, or before a reload).
  useEffect(() => {
    let current = true;
    setExports([]);
    setListProblem(null);
    client.request('listExports', { bedId }).then(
      (list) => current && add(list),
      (error: unknown) => current && setListProblem(reasonOf(error)),
    );
    return () => {
      current = false;
    };
  }, [client, bedId, add]);

  // Each running export followed until it ends.
  const runningIds = exports
    .filter((item) => item.status.state === 'running' && item.lost === null)
    .map((item) => item.status.id)
    .join(' ');
  useEffect(() => {
    const wanted = new Set(runningIds ? runningIds.split(' ') : []);
    for (const [id, stop] of followed.current) {
      if (!wanted.has(id)) {
        stop();
        followed.current.delete(id);
      }
    }
    for (const id of wanted) {
      if (followed.current.has(id)) continue;
      const stop = client.subscribe(
        'exportProgress',
        { exportId: id },
        // An export's end is final: nothing said after it (or before, arriving late) undoes it.
        (status) =>
          update(id, (item) => (item.status.state === 'running' ? { ...item, status } : item)),
        (error) => {
          // A lost connection is followed again by the bridge; a forgotten export is over.
          if (error instanceof ApiError && error.code === 'not_found') {
            update(id, (item) => ({ ...item, lost: error.message }));
          }
        },
      );
      followed.current.set(id, stop);
    }
  }, [client, runningIds, update]);

  useEffect(() => {
    const all = followed.current;
    return () => {
      for (const stop of all.values()) stop();
      all.clear();
    };
  }, []);

  const start = useCallback(
    async (choice: StartExport) => {
      const status = await client.request('startExport', { bedId, ...choice });
      add([status]);
      return status;
    },
    [client, bedId, add],
  );

  const cancel = useCallback(
    async (id: string) => {
      update(id, (item) => ({ ...item, cancelling: true, cancelProblem: null }));
      try {
        const status = await client.request('cancelExport', { exportId: id });
        update(id, (item) => ({ ...item, status, cancelling: false }));
      } catch (error) {
        update(id, (item) => ({ ...item, cancelling: false, cancelProblem: reasonOf(error) }));
      }
    },
    [client, update],
  );

  /**
   * One file of a finished export, plain, to this screen: a one-time address on the browser
   * shell's own origin (the host checks the export permission and audits the download).
   */
  const download = useCallback(
    async (id: string, file: string) => {
      const { url } = await client.request('downloadExport', { exportId: id, file });
      const link = document.createElement('a');
      link.href = url;
      link.download = plainNameOf(file);
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
    },
    [client],
  );

  return { exports, listProblem, start, cancel, download };
}

/** The plain file's name of a file sealed in the exports folder ("….dat.sealed" → "….dat"). */
export function plainNameOf(file: string): string {
  return file.replace(/\.sealed$/, '');
}

/** Whether this screen is served by the browser shell (the desktop app's page is a file). */
export function canDownload(): boolean {
  return typeof location !== 'undefined' && /^https?:$/.test(location.protocol);
}
