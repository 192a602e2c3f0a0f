// The admin page's calls of the central server's admin api (same origin), with the admin token as
// a bearer header. Every failure becomes an AdminError whose message is a sentence for a person;
// the answers are parsed with the api's own schemas.
import type { z } from 'zod';
import {
  ADMIN_PATHS,
  EnrolmentCodeResponse,
  WorkstationList,
  WorkstationSummary,
  type EnrolmentCodeRequest,
} from '../../../shared/sync/admin';
import {
  FhirClient,
  FhirClientList,
  INTERFACE_PATHS,
  InterfacesStatus,
  type FhirClientRequest,
} from '../../../shared/sync/interfaces';
import { adminStrings as s } from '../strings/admin';

export class AdminError extends Error {
  /** The token was refused (401): the page asks for it again. */
  readonly unauthenticated: boolean;
  constructor(message: string, unauthenticated = false) {
    super(message);
    this.unauthenticated = unauthenticated;
  }
}

export interface AdminApi {
  workstations(): Promise<WorkstationSummary[]>;
  makeCode(request: EnrolmentCodeRequest): Promise<EnrolmentCodeResponse>;
  revoke(workstationId: string): Promise<WorkstationSummary>;
  interfaces(): Promise<InterfacesStatus>;
  fhirClients(): Promise<FhirClient[]>;
  makeFhirClient(request: FhirClientRequest): Promise<FhirClient>;
  revokeFhirClient(clientId: string): Promise<FhirClient>;
}

/** What a call sends: JSON (POST by default), or raw bytes (an upload), or nothing (GET). */
export interface AdminCallInit {
  method?: string;
  json?: unknown;
  body?: Blob;
}

/**
 * One call of the server's admin api: the token as a bearer header; a failure an AdminError in
 * words (401: the token was refused); the answer parsed with `schema`.
 */
export function adminCaller(token: string, fetcher: typeof fetch = fetch) {
  return async function call<T>(
    path: string,
    schema: z.ZodType<T>,
    init: AdminCallInit = {},
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetcher(path, {
        method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(init.body ? { 'content-type': 'application/octet-stream' } : {}),
        },
        ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
        ...(init.body ? { body: init.body } : {}),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      throw new AdminError(s.unreachable);
    }
    let json: unknown = null;
    try {
      json = await response.json();
    } catch {
      // not JSON: said below
    }
    if (response.status === 401) throw new AdminError(s.tokenRefused, true);
    if (!response.ok) {
      const message = (json as { message?: unknown } | null)?.message;
      throw new AdminError(s.refused(response.status, typeof message === 'string' ? message : ''));
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new AdminError(s.unreadable);
    return parsed.data;
  };
}

export function adminApi(token: string, fetcher: typeof fetch = fetch): AdminApi {
  const request = adminCaller(token, fetcher);
  const call = <T>(path: string, schema: z.ZodType<T>, body?: object, method?: string) =>
    request(path, schema, { ...(body ? { json: body } : {}), ...(method ? { method } : {}) });

  return {
    workstations: async () => (await call(ADMIN_PATHS.workstations, WorkstationList)).workstations,
    makeCode: (request) => call(ADMIN_PATHS.enrolmentCodes, EnrolmentCodeResponse, request),
    revoke: (workstationId) =>
      call(ADMIN_PATHS.revoke(workstationId), WorkstationSummary, undefined, 'POST'),
    interfaces: () => call(INTERFACE_PATHS.status, InterfacesStatus),
    fhirClients: async () => (await call(INTERFACE_PATHS.fhirClients, FhirClientList)).clients,
    makeFhirClient: (request) => call(INTERFACE_PATHS.fhirClients, FhirClient, request),
    revokeFhirClient: (clientId) =>
      call(INTERFACE_PATHS.revokeFhirClient(clientId), FhirClient, undefined, 'POST'),
  };
}

/** The admin token, kept only for this browser tab (never in the address, never on disk). */
export const tokenStore = {
  key: 'central-admin-token',
  read(): string | null {
    try {
      return sessionStorage.getItem(this.key);
    } catch {
      return null;
    }
  },
  write(token: string | null): void {
    try {
      if (token === null) sessionStorage.removeItem(this.key);
      else sessionStorage.setItem(this.key, token);
    } catch {
      // storage refused (private mode): the token lives in the page until it closes
    }
  },
};
