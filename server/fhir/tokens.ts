// SMART on FHIR backend services: a client asks POST /fhir/r4/auth/token with a JWT it signed
// (RS384 or ES384; iss = sub = its client id, aud = this token url, exp at most 5 minutes ahead,
// a jti never used before) and gets an opaque access token for 5 minutes. Only the token's
// SHA-256 is kept, with its scopes and expiry, in PostgreSQL: any instance accepts it.
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { JWK } from 'jose';
import type { Database } from '../db/database';
import { sha256 } from '../enrolment/secrets';
import { findClient, SCOPE } from './clients';
import { FhirRefusal } from './search-params';

export const TOKEN_LIFETIME_S = 300;
const MAX_ASSERTION_AHEAD_S = 300;
const CLOCK_SKEW_S = 30;
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A refusal of the token endpoint, as OAuth 2 answers it ({error, error_description}). */
export class OAuthRefusal extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error:
      'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type',
    message: string,
  ) {
    super(message);
  }
}

export interface TokenAnswer {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
}

/** Whether the granted scopes let a client read (r) or search (s) a type. */
export function allows(scopes: readonly string[], type: string, need: 'r' | 's'): boolean {
  return scopes.some((scope) => {
    const m = SCOPE.exec(scope);
    if (!m || (m[1] !== '*' && m[1] !== type)) return false;
    return m[2] === 'read' || m[2]!.includes(need);
  });
}

/** The asked scopes the client may have (refused when none is). */
function grantable(asked: string, allowed: string[]): string[] {
  const wanted = asked.split(/\s+/).filter(Boolean);
  if (wanted.length === 0) {
    throw new OAuthRefusal(
      400,
      'invalid_scope',
      'Ask for scopes, e.g. scope=system/Observation.rs.',
    );
  }
  const granted = wanted.filter((scope) => {
    const m = SCOPE.exec(scope);
    if (!m) return false;
    const [type, access] = [m[1]!, m[2]!];
    // Granted when an allowed scope covers the type and every access asked.
    const parts = access === 'read' ? ['r', 's'] : access.replace(/[cud]/g, '').split('');
    if (access !== 'read' && /[cud]/.test(access)) return false;
    return parts.every((p) =>
      allowed.some((a) => {
        const n = SCOPE.exec(a);
        return n && (n[1] === '*' || n[1] === type) && (n[2] === 'read' || n[2]!.includes(p));
      }),
    );
  });
  if (granted.length === 0) {
    throw new OAuthRefusal(
      400,
      'invalid_scope',
      `None of the scopes asked (${wanted.join(' ')}) is allowed for this client; it may have ${allowed.join(' ')}.`,
    );
  }
  return granted;
}

export async function issueToken(
  db: Database,
  form: URLSearchParams,
  tokenUrl: string,
  nowMs: number,
): Promise<TokenAnswer> {
  if (form.get('grant_type') !== 'client_credentials') {
    throw new OAuthRefusal(400, 'unsupported_grant_type', 'Use grant_type=client_credentials.');
  }
  if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
    throw new OAuthRefusal(400, 'invalid_request', `Use client_assertion_type=${ASSERTION_TYPE}.`);
  }
  const assertion = form.get('client_assertion') ?? '';
  let claimed: ReturnType<typeof decodeJwt>;
  try {
    claimed = decodeJwt(assertion);
  } catch {
    throw new OAuthRefusal(401, 'invalid_client', 'client_assertion is not a signed JWT.');
  }
  const clientId = typeof claimed.iss === 'string' ? claimed.iss : '';
  const client = clientId ? await findClient(db, clientId) : null;
  if (!client) {
    throw new OAuthRefusal(
      401,
      'invalid_client',
      'The assertion names a client (iss) this server does not know.',
    );
  }
  if (client.revoked_at) {
    throw new OAuthRefusal(
      401,
      'invalid_client',
      `Client ${clientId} was revoked by an administrator.`,
    );
  }
  const nowS = Math.floor(nowMs / 1000);
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(client.jwks as { keys: JWK[] }), {
      algorithms: ['RS384', 'ES384'],
      issuer: clientId,
      subject: clientId,
      audience: tokenUrl,
      currentDate: new Date(nowMs),
      clockTolerance: CLOCK_SKEW_S,
      requiredClaims: ['exp', 'jti'],
    }));
  } catch (error) {
    throw new OAuthRefusal(
      401,
      'invalid_client',
      `The client assertion was not accepted: ${(error as Error).message} (it must be signed RS384 or ES384 with the client's registered key, iss = sub = client id, aud = ${tokenUrl}).`,
    );
  }
  if (payload.exp! > nowS + MAX_ASSERTION_AHEAD_S + CLOCK_SKEW_S) {
    throw new OAuthRefusal(
      401,
      'invalid_client',
      'The assertion expires more than 5 minutes ahead.',
    );
  }
  const jti = String(payload.jti);
  if (jti.length === 0 || jti.length > 200) {
    throw new OAuthRefusal(401, 'invalid_client', 'The assertion jti must be 1–200 characters.');
  }
  await db.query(`DELETE FROM fhir_assertion_ids WHERE expires_at < now() - interval '1 minute'`);
  const fresh = await db.query(
    `INSERT INTO fhir_assertion_ids (client_id, jti, expires_at)
     VALUES ($1, $2, to_timestamp($3)) ON CONFLICT DO NOTHING`,
    [clientId, jti, payload.exp! + CLOCK_SKEW_S],
  );
  if (fresh.rowCount !== 1) {
    throw new OAuthRefusal(
      401,
      'invalid_client',
      'This assertion (its jti) was used already: sign a new one.',
    );
  }
  const scopes = grantable(form.get('scope') ?? '', client.scopes);
  const token = randomBytes(32).toString('base64url');
  await db.query(`DELETE FROM fhir_access_tokens WHERE expires_at < now()`);
  await db.query(
    `INSERT INTO fhir_access_tokens (hash, client_id, scopes, expires_at)
     VALUES ($1, $2, $3, to_timestamp($4))`,
    [sha256(token), clientId, scopes, nowS + TOKEN_LIFETIME_S],
  );
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: TOKEN_LIFETIME_S,
    scope: scopes.join(' '),
  };
}

export interface FhirCaller {
  clientId: string;
  clientName: string;
  scopes: string[];
}

/** The client behind a bearer token, or a 401 refusal. */
export async function callerOf(
  db: Database,
  token: string | null,
  nowMs: number,
): Promise<FhirCaller> {
  if (!token) {
    throw new FhirRefusal(
      401,
      'login',
      'This needs an access token (Authorization: Bearer …) from POST /fhir/r4/auth/token.',
    );
  }
  const { rows } = await db.query<{ client_id: string; name: string; scopes: string[] }>(
    `SELECT t.client_id, c.name, t.scopes FROM fhir_access_tokens t
     JOIN fhir_clients c ON c.id = t.client_id
     WHERE t.hash = $1 AND t.expires_at > to_timestamp($2 / 1000.0) AND c.revoked_at IS NULL`,
    [sha256(token), nowMs],
  );
  const row = rows[0];
  if (!row) {
    throw new FhirRefusal(
      401,
      'login',
      'The access token is unknown, expired or revoked: ask for a new one.',
    );
  }
  return { clientId: row.client_id, clientName: row.name, scopes: row.scopes };
}
