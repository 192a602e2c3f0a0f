// FHIR clients, made by an administrator: a name, the client's public key(s) (a JWK or a JWKS
// with the keys inline, never a URL to fetch), and the scopes it may be given. The admin api is
// POST /api/admin/fhir-clients, GET /api/admin/fhir-clients, POST /api/admin/fhir-clients/{id}/revoke.
import { randomUUID } from 'node:crypto';
import { importJWK } from 'jose';
import type { JWK } from 'jose';
import { z } from 'zod';
import { FhirClientRequest, INTERFACE_PATHS } from '../../shared/sync/interfaces';
import type { FhirClient } from '../../shared/sync/interfaces';
import type { Database } from '../db/database';
import type { ServerContext } from '../http/context';
import { readBody, readJson, sendJson } from '../http/exchange';
import type { Exchange } from '../http/exchange';
import type { Route } from '../http/router';
import { requireAdmin } from '../http/admin-routes';
import { SyncRefusal } from '../sync/refusal';

export const FHIR_CLIENT_PATHS = {
  clients: INTERFACE_PATHS.fhirClients,
  revoke: /^\/api\/admin\/fhir-clients\/([^/]+)\/revoke$/,
} as const;

export { FHIR_SCOPE as SCOPE } from '../../shared/sync/interfaces';

interface ClientRow {
  id: string;
  name: string;
  scopes: string[];
  jwks: { keys: JWK[] };
  created_at: Date;
  revoked_at: Date | null;
}

const clientOf = (r: ClientRow): FhirClient => ({
  clientId: r.id,
  name: r.name,
  scopes: r.scopes,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

export async function findClient(db: Database, clientId: string) {
  const { rows } = await db.query<ClientRow>(`SELECT * FROM fhir_clients WHERE id = $1`, [
    clientId,
  ]);
  return rows[0] ?? null;
}

async function makeClient(ctx: ServerContext, ex: Exchange): Promise<void> {
  requireAdmin(ctx, ex);
  const parsed = FhirClientRequest.safeParse(await readJson(ex.req, 64 * 1024));
  if (!parsed.success) {
    throw new SyncRefusal('bad-request', `Not a FHIR client: ${z.prettifyError(parsed.error)}`);
  }
  const keys = (parsed.data.jwks?.keys ?? [parsed.data.jwk!]) as JWK[];
  for (const key of keys) {
    try {
      await importJWK(key, key.alg ?? (key.kty === 'EC' ? 'ES384' : 'RS384'));
    } catch (error) {
      throw new SyncRefusal(
        'bad-request',
        `The client's key cannot be used (${(error as Error).message}): give an RSA (RS384) or P-384 (ES384) public key.`,
      );
    }
  }
  const { rows } = await ctx.db.query<ClientRow>(
    `INSERT INTO fhir_clients (id, name, jwks, scopes) VALUES ($1, $2, $3, $4) RETURNING *`,
    [randomUUID(), parsed.data.name, JSON.stringify({ keys }), parsed.data.scopes],
  );
  ctx.log(
    `FHIR client ${rows[0]!.id} (${parsed.data.name}) made with ${parsed.data.scopes.join(' ')}.`,
  );
  sendJson(ex, 200, clientOf(rows[0]!));
}

async function listClients(ctx: ServerContext, ex: Exchange): Promise<void> {
  requireAdmin(ctx, ex);
  const { rows } = await ctx.db.query<ClientRow>(`SELECT * FROM fhir_clients ORDER BY created_at`);
  sendJson(ex, 200, { clients: rows.map(clientOf) });
}

async function revokeClient(ctx: ServerContext, ex: Exchange, [encoded]: string[]): Promise<void> {
  requireAdmin(ctx, ex);
  await readBody(ex.req, 16 * 1024);
  let id: string;
  try {
    id = decodeURIComponent(encoded!);
  } catch {
    throw new SyncRefusal('bad-request', 'The client id in the address is not valid.');
  }
  const { rows } = await ctx.db.query<ClientRow>(
    `UPDATE fhir_clients SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *`,
    [id],
  );
  if (!rows[0]) throw new SyncRefusal('not-found', `No FHIR client ${id} is known here.`);
  // Its tokens stop working at once, on every instance.
  await ctx.db.query(`DELETE FROM fhir_access_tokens WHERE client_id = $1`, [id]);
  ctx.log(`FHIR client ${id} (${rows[0].name}) revoked.`);
  sendJson(ex, 200, clientOf(rows[0]));
}

export const fhirClientRoutes: Route[] = [
  { method: 'POST', path: FHIR_CLIENT_PATHS.clients, sync: false, handle: makeClient },
  { method: 'GET', path: FHIR_CLIENT_PATHS.clients, sync: false, handle: listClients },
  { method: 'POST', path: FHIR_CLIENT_PATHS.revoke, sync: false, handle: revokeClient },
];
