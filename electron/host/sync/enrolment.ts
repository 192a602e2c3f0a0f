// Joining a central server, once: a one-time code an administrator made becomes this
// workstation's own credential. What is kept in the data directory (sync/enrolment.json, 0600):
// the server's address, the CA it is trusted by, the credential sealed by a keystore
// (keystore.ts), the workstation's id as the server knows it, and when. Nothing is written until
// the server has answered with a credential: a refused code, a server out of reach, a TLS or
// protocol mismatch leave the data directory as it was.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EnrolmentCode, EnrolResponse, type EnrolRequest } from '../../../shared/sync/messages';
import {
  protocolMismatchMessage,
  SYNC_PATHS,
  SYNC_PROTOCOL,
  SYNC_PROTOCOL_HEADER,
} from '../../../shared/sync/protocol';
import { findUp } from '../locate';
import { makePrivateDir, writeFileDurably } from '../store/private-files';
import { exchange, serverUrlProblem, SyncLinkError, type SyncAnswer } from './http';
import type { Keystore } from './keystore';

export const SYNC_DIR = 'sync';
const ENROLMENT_FILE = 'enrolment.json';

const StoredEnrolment = z.object({
  version: z.literal(1),
  serverUrl: z.string(),
  caPem: z.string().nullable(),
  /** This workstation's id as the server knows it. */
  workstationId: z.string(),
  /** What IT calls this workstation (given at enrolment; the server may rename it). */
  name: z.string(),
  serverId: z.string(),
  unit: z.string().nullable(),
  enrolledAtMs: z.number(),
  credential: z.object({ keystore: z.enum(['os', 'file']), sealed: z.string() }),
});
export type StoredEnrolment = z.infer<typeof StoredEnrolment>;

/** An enrolment that failed: the sentence says what happened and what to do. */
export class EnrolmentError extends Error {
  override readonly name = 'EnrolmentError';
  constructor(
    message: string,
    readonly reason:
      | 'bad-input'
      | 'code-refused'
      | 'unreachable'
      | 'tls'
      | 'protocol'
      | 'refused'
      | 'bad-answer'
      | 'already-enrolled',
  ) {
    super(message);
  }
}

export function syncDir(dataDir: string): string {
  return join(dataDir, SYNC_DIR);
}

function enrolmentFile(dataDir: string): string {
  return join(syncDir(dataDir), ENROLMENT_FILE);
}

/** The kept enrolment, or null when there is none. Throws when the file cannot be read as one. */
export function readEnrolment(dataDir: string): StoredEnrolment | null {
  const file = enrolmentFile(dataDir);
  if (!existsSync(file)) return null;
  const parsed = StoredEnrolment.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file} is not an enrolment this workstation can read: enrol again`);
  }
  return parsed.data;
}

/** The credential, unsealed with the keystore that sealed it. */
export function credentialOf(enrolment: StoredEnrolment, keystores: readonly Keystore[]): string {
  const { keystore: kind, sealed } = enrolment.credential;
  const keystore = keystores.find((k) => k.kind === kind);
  if (!keystore) {
    throw new Error(
      kind === 'os'
        ? "the credential is sealed with the desktop app's OS keystore: start the desktop app, or enrol this shell again"
        : 'the credential is sealed with a key file this shell does not use: enrol again',
    );
  }
  try {
    return keystore.decrypt(sealed);
  } catch (error) {
    throw new Error(
      `the kept credential cannot be unsealed (${(error as Error).message}): enrol again`,
      { cause: error },
    );
  }
}

/** Removes the enrolment (and the key that sealed its credential). True if there was one. */
export function forgetEnrolment(dataDir: string): boolean {
  const had = existsSync(enrolmentFile(dataDir));
  rmSync(enrolmentFile(dataDir), { force: true });
  rmSync(join(syncDir(dataDir), 'credential.key'), { force: true });
  return had;
}

/** This build's version, as the server is told at enrolment. */
export function appVersion(): string {
  const root = findUp('package.json');
  try {
    const version = root
      ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown })
          .version
      : undefined;
    return typeof version === 'string' ? version.slice(0, 40) : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export interface EnrolOptions {
  dataDir: string;
  /** The id stamped on this workstation's rows (data-dir.ts). */
  workstationId: string;
  serverUrl: string;
  code: string;
  name: string;
  /** PEM of the CA that signed the server's certificate; null: the system's roots. */
  caPem: string | null;
  keystore: Keystore;
  /** Replace an enrolment kept already (otherwise refused: forget it first). */
  replace?: boolean;
  timeoutMs?: number;
}

/** Asks the server for this workstation's credential and keeps it; nothing is kept on failure. */
export async function enrol(options: EnrolOptions): Promise<StoredEnrolment> {
  const serverUrl = options.serverUrl.trim().replace(/\/+$/, '');
  const problem = serverUrlProblem(serverUrl);
  if (problem !== null)
    throw new EnrolmentError(`The server address is not usable: ${problem}.`, 'bad-input');
  const code = EnrolmentCode.safeParse(options.code);
  if (!code.success) {
    throw new EnrolmentError(
      `"${options.code}" is not an enrolment code: ${code.error.issues[0]?.message}.`,
      'bad-input',
    );
  }
  const name = options.name.trim();
  if (name.length === 0 || name.length > 120) {
    throw new EnrolmentError('The workstation name must be 1 to 120 characters.', 'bad-input');
  }
  if (options.caPem !== null && !options.caPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new EnrolmentError(
      'The CA file is not a PEM certificate (-----BEGIN CERTIFICATE-----).',
      'bad-input',
    );
  }
  const existing = readEnrolmentQuietly(options.dataDir);
  if (existing && !options.replace) {
    throw new EnrolmentError(
      `This workstation is already enrolled with ${existing.serverUrl}: forget that enrolment first.`,
      'already-enrolled',
    );
  }
  const request: EnrolRequest = {
    protocol: SYNC_PROTOCOL,
    code: code.data,
    workstationId: options.workstationId,
    name,
    appVersion: appVersion(),
  };
  let answer: SyncAnswer;
  try {
    answer = await exchange(
      { serverUrl, caPem: options.caPem },
      {
        method: 'POST',
        path: SYNC_PATHS.enrol,
        headers: {
          'content-type': 'application/json',
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
        },
        body: new TextEncoder().encode(JSON.stringify(request)),
        connectTimeoutMs: options.timeoutMs ?? 10_000,
        idleTimeoutMs: options.timeoutMs ?? 30_000,
        maxResponseBytes: 64 * 1024,
      },
    );
  } catch (error) {
    if (!(error instanceof SyncLinkError)) throw error;
    const reason = error.problem === 'tls' ? 'tls' : 'unreachable';
    throw new EnrolmentError(`Not enrolled: ${error.message}. Nothing was changed.`, reason);
  }
  const granted = grantedOrThrow(answer, serverUrl);
  const enrolment: StoredEnrolment = {
    version: 1,
    serverUrl,
    caPem: options.caPem,
    workstationId: granted.workstationId,
    name,
    serverId: granted.serverId,
    unit: granted.unit,
    enrolledAtMs: Date.now(),
    credential: {
      keystore: options.keystore.kind,
      sealed: options.keystore.encrypt(granted.credential),
    },
  };
  makePrivateDir(syncDir(options.dataDir));
  writeFileDurably(enrolmentFile(options.dataDir), JSON.stringify(enrolment, null, 2) + '\n');
  return enrolment;
}

function readEnrolmentQuietly(dataDir: string): StoredEnrolment | null {
  try {
    return readEnrolment(dataDir);
  } catch {
    return null; // unreadable: a new enrolment replaces it
  }
}

/** The words for a protocol refusal: the server's own, or made from the versions it gave. */
export function mismatchWords(answer: SyncAnswer): string {
  try {
    const body = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
    if (typeof body.message === 'string' && body.message.length > 0)
      return body.message.slice(0, 500);
    if (typeof body.serverProtocol === 'number' && typeof body.oldestProtocol === 'number') {
      return protocolMismatchMessage(SYNC_PROTOCOL, body.serverProtocol, body.oldestProtocol);
    }
  } catch {
    // no body of its own
  }
  return (
    `The central server does not speak this workstation's sync protocol (${SYNC_PROTOCOL}): one` +
    ' of them must be updated. The data stay kept and queued.'
  );
}

/** What the server's words are in an answer that is a refusal, if it gave any. */
export function refusalOf(answer: SyncAnswer): { error: string; message: string } | null {
  try {
    const body = JSON.parse(answer.body.toString('utf8')) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string' && typeof body.message === 'string') {
      return { error: body.error, message: body.message.slice(0, 500) };
    }
  } catch {
    // not JSON: no words of its own
  }
  return null;
}

function grantedOrThrow(answer: SyncAnswer, serverUrl: string): EnrolResponse {
  const refusal = refusalOf(answer);
  if (answer.status === 200) {
    let json: unknown;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      json = null;
    }
    const parsed = EnrolResponse.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new EnrolmentError(
      `Not enrolled: ${serverUrl} answered, but not as a central server does. Is the address right? Nothing was changed.`,
      'bad-answer',
    );
  }
  if (refusal?.error === 'enrolment-code-invalid') {
    throw new EnrolmentError(
      `Not enrolled: the central server did not accept the code (${refusal.message}). Ask IT for a new code. Nothing was changed.`,
      'code-refused',
    );
  }
  if (
    answer.status === 426 ||
    refusal?.error === 'protocol-too-old' ||
    refusal?.error === 'protocol-too-new'
  ) {
    throw new EnrolmentError(`Not enrolled: ${mismatchWords(answer)}`, 'protocol');
  }
  const said = refusal ? `: ${refusal.message}` : '';
  throw new EnrolmentError(
    `Not enrolled: the central server refused (HTTP ${answer.status})${said}. Nothing was changed.`,
    answer.status >= 500 || refusal === null ? 'bad-answer' : 'refused',
  );
}
