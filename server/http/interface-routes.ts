// GET /api/admin/interfaces: how the hospital links stand, for the admin page. The ADT listener
// (its address, what it applied in the last day, the census) and PCD-01 out (where it sends,
// whether this instance sends and is connected, what waits, what was set aside, the last problem).
import type { InterfacesStatus } from '../../shared/sync/interfaces';
import { INTERFACE_PATHS } from '../../shared/sync/interfaces';
import type { RunningAdtListener } from '../hl7/adt-listener';
import type { Hl7Outbound, Pcd01Options } from '../hl7/outbound-service';
import type { ServerContext } from './context';
import { readBody, sendJson } from './exchange';
import type { Exchange } from './exchange';
import { requireAdmin } from './admin-routes';
import type { Route } from './router';

/** What the server started: filled in once the links are up (routes are made before). */
export interface HospitalLinks {
  adt: RunningAdtListener | null;
  hl7Out: Hl7Outbound | null;
  pcd01: Pcd01Options | null;
}

const iso = (value: Date | string | null | undefined) =>
  value ? new Date(value).toISOString() : null;

async function status(ctx: ServerContext, links: HospitalLinks): Promise<InterfacesStatus> {
  let adt: InterfacesStatus['adt'] = null;
  if (links.adt) {
    const { rows } = await ctx.db.query<{
      applied: string;
      last: Date | null;
      patients: string;
      admitted: string;
    }>(
      `SELECT (SELECT count(*) FROM adt_messages WHERE received_at > now() - interval '1 day') AS applied,
              (SELECT max(received_at) FROM adt_messages) AS last,
              (SELECT count(*) FROM census_patients) AS patients,
              (SELECT count(*) FROM census_patients WHERE status = 'admitted') AS admitted`,
    );
    const r = rows[0]!;
    adt = {
      address: links.adt.address,
      appliedLastDay: Number(r.applied),
      lastAppliedAt: iso(r.last),
      censusPatients: Number(r.patients),
      censusAdmitted: Number(r.admitted),
    };
  }
  let pcd01: InterfacesStatus['pcd01'] = null;
  if (links.pcd01 && links.hl7Out) {
    const counts = await links.hl7Out.counts();
    const { rows } = await ctx.db.query<{ last: Date | null; problem: string | null }>(
      `SELECT (SELECT max(sent_at) FROM hl7_outbound) AS last,
              (SELECT last_problem FROM hl7_outbound WHERE state <> 'sent' AND last_problem IS NOT NULL
                ORDER BY seq DESC LIMIT 1) AS problem`,
    );
    pcd01 = {
      to: `${links.pcd01.host}:${links.pcd01.port}`,
      alarms: links.pcd01.alarms,
      sendingHere: links.hl7Out.sending(),
      connected: links.hl7Out.senderStatus()?.connected ?? null,
      queued: counts.queued,
      setAside: counts.setAside,
      lastAcceptedAt: iso(rows[0]?.last),
      lastProblem: rows[0]?.problem ?? null,
    };
  }
  return { adt, pcd01 };
}

export function interfaceRoutes(links: HospitalLinks): Route[] {
  return [
    {
      method: 'GET',
      path: INTERFACE_PATHS.status,
      sync: false,
      handle: async (ctx: ServerContext, ex: Exchange) => {
        requireAdmin(ctx, ex);
        await readBody(ex.req, 1024);
        sendJson(ex, 200, await status(ctx, links));
      },
    },
  ];
}
