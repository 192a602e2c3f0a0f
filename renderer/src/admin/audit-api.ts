// The admin page's calls of the central server's access audit (server/http/audit-routes.ts):
// a page of the report, each workstation's chain state, and the downloads (CSV, FHIR), fetched
// with the admin token as a bearer header, since a plain link could not carry it. The answer's
// schemas live here until the report's shape moves to shared/ beside the other admin answers.
import { z } from 'zod';
import { adminStrings as s } from '../strings/admin';
import { AdminError, adminCaller } from './admin-api';

export const AUDIT_PATHS = {
  report: '/api/admin/audit',
  chains: '/api/admin/audit/chains',
} as const;

export const AuditEntry = z.object({
  id: z.string(),
  workstationId: z.string(),
  workstationName: z.string(),
  atMs: z.number(),
  actor: z.string(),
  action: z.string(),
  actionWords: z.string(),
  subject: z.string().nullable(),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z.object({
  entries: z.array(AuditEntry),
  nextCursor: z.string().nullable(),
  patient: z.object({ known: z.boolean(), stays: z.number() }).nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;

export const ChainState = z.object({
  workstationId: z.string(),
  workstationName: z.string(),
  state: z.enum(['intact', 'broken', 'incomplete', 'empty']),
  checkedCount: z.number(),
  atSeq: z.number().nullable(),
  lastReceivedAt: z.string().nullable(),
  message: z.string(),
});
export type ChainState = z.infer<typeof ChainState>;
const ChainStates = z.object({ workstations: z.array(ChainState) });

export interface AuditFilter {
  patient: string;
  user: string;
  fromMs: number;
  toMs: number;
}

export function auditQuery(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    from: String(filter.fromMs),
    to: String(filter.toMs),
    ...extra,
  });
  if (filter.patient.trim()) params.set('patient', filter.patient.trim());
  if (filter.user.trim()) params.set('user', filter.user.trim());
  return params.toString();
}

export interface AuditApi {
  page(filter: AuditFilter, cursor: string | null): Promise<AuditPage>;
  chains(): Promise<ChainState[]>;
  /** The whole selection as a file: format csv or fhir. */
  download(filter: AuditFilter, format: 'csv' | 'fhir'): Promise<Blob>;
}

export function auditApi(token: string, fetcher: typeof fetch = fetch): AuditApi {
  const call = adminCaller(token, fetcher);
  return {
    page: (filter, cursor) =>
      call(
        `${AUDIT_PATHS.report}?${auditQuery(filter, { limit: '100', ...(cursor ? { cursor } : {}) })}`,
        AuditPage,
      ),
    chains: async () => (await call(AUDIT_PATHS.chains, ChainStates)).workstations,
    download: async (filter, format) => {
      const limit: Record<string, string> = format === 'fhir' ? { limit: '1000' } : {};
      let response: Response;
      try {
        response = await fetcher(
          `${AUDIT_PATHS.report}?${auditQuery(filter, { format, ...limit })}`,
          {
            headers: { authorization: `Bearer ${token}` },
            cache: 'no-store',
            credentials: 'omit',
          },
        );
      } catch {
        throw new AdminError(s.unreachable);
      }
      if (response.status === 401) throw new AdminError(s.tokenRefused, true);
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { message?: unknown } | null;
        throw new AdminError(
          s.refused(response.status, typeof body?.message === 'string' ? body.message : ''),
        );
      }
      return response.blob();
    },
  };
}
