// The central server's command line: serving, and the few admin commands a scripted install needs.
// Pure: argv in, a command (or a UsageError with what was wrong) out.
import { allowListOf } from '../hl7/adt-listener';
import { parseArgs } from 'node:util';
import { DEFAULT_CODE_VALID_HOURS } from '../enrolment/registry';
import { parseReleaseCommand, takeUpdatePublicKeys } from './release-args';
import type { ReleaseCommand } from './release-args';

export const USAGE = `Usage:
  npm run server -- --db postgres://USER@HOST/DB --port 8443 --tls-cert CERT.pem --tls-key KEY.pem
                    [--host 0.0.0.0] [--retention-days 90] [--admin-token-file FILE]
                    [--nats nats://127.0.0.1:4222] [--viewer-token-file FILE]
                    [--pcd01-to HOST:PORT [--pcd01-every-s 60] [--pcd01-alarms]]   (vital signs to the EHR, HL7 PCD-01 over MLLP)
                    [--adt-port 2575 [--adt-host HOST] [--adt-allow ADDRESS,SUBNET/BITS…]]   (ADT from the hospital, HL7 v2 over MLLP)
                    [--update-public-key RELEASE-KEY.pub.pem …]   (the update feed: keys whose signed releases it publishes)
                    [--release-cache DIR|none]   (checked copies of the release files it serves; default in the system's temp folder)
                    [--oidc-issuer URL --oidc-client-id ID --oidc-client-secret-file FILE]   (sign-in with the hospital account: OpenID Connect)
                    [--public-url URL]   (the address browsers reach this server at: the hospital sign-in's redirect, telehealth links)
  npm run server -- --db … --port 8080 --insecure-http [--host 127.0.0.1]   (loopback only, for tests)
  npm run server -- enrolment-code --db … [--unit "ICU 2"] [--valid-hours ${DEFAULT_CODE_VALID_HOURS}] [--workstation ID]
  npm run server -- revoke --db … --workstation ID
  npm run server -- workstations --db …
  npm run server -- users list|add|disable|enable|password --db … [--username NAME] …   (hospital accounts; a password on standard input)
  npm run server -- release keygen --out DIR   (an Ed25519 keypair for signing releases; keep the private key off the server)
  npm run server -- release sign --key KEY.pem --version 1.2.3 --platform win|mac|linux FILE… [--out release-win.json]`;

export class UsageError extends Error {}

export type ServerCommand =
  | {
      kind: 'serve';
      db: string;
      host: string;
      port: number;
      tls: { certPath: string; keyPath: string } | null;
      retentionDays: number;
      adminTokenFile: string | null;
      /** Live fan-out with the other instances through this NATS server. */
      nats: string | null;
      /** The hospital central station's viewer token, kept across restarts. */
      viewerTokenFile: string | null;
      /** HL7 PCD-01 out to the hospital's interface engine (MLLP); null: not sent. */
      pcd01: { host: string; port: number; everyS: number; alarms: boolean } | null;
      /** The ADT listener (MLLP) for the hospital's interface engine; null: none. */
      adt: { host: string; port: number } | null;
      /** --update-public-key FILE…: the Ed25519 keys whose signed releases the feed publishes. */
      updatePublicKeys: string[];
      /** --release-cache: a folder, null for none, undefined for the default (release-file-cache.ts). */
      releaseCache: string | null | undefined;
    }
  | {
      kind: 'enrolment-code';
      db: string;
      unit: string | null;
      validHours: number;
      workstationId: string | null;
    }
  | { kind: 'revoke'; db: string; workstation: string }
  | { kind: 'workstations'; db: string }
  | ReleaseCommand
  | { kind: 'help' };

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

export function parseServerCommand(argv: string[]): ServerCommand {
  if (argv[0] === 'release') return parseReleaseCommand(argv.slice(1));
  const { paths: updatePublicKeys, rest: argvLeft } = takeUpdatePublicKeys(argv);
  const [first, ...rest] = argvLeft;
  const sub = first !== undefined && !first.startsWith('-') ? first : null;
  const args = sub === null ? argvLeft : rest;
  if (sub !== null && updatePublicKeys.length > 0) {
    throw new UsageError(`--update-public-key is not an option of ${sub}`);
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        db: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'insecure-http': { type: 'boolean' },
        'retention-days': { type: 'string' },
        'release-cache': { type: 'string' },
        'admin-token-file': { type: 'string' },
        nats: { type: 'string' },
        'viewer-token-file': { type: 'string' },
        'pcd01-to': { type: 'string' },
        'pcd01-every-s': { type: 'string' },
        'pcd01-alarms': { type: 'boolean' },
        'adt-port': { type: 'string' },
        'adt-host': { type: 'string' },
        'adt-allow': { type: 'string' },
        unit: { type: 'string' },
        'valid-hours': { type: 'string' },
        workstation: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  const allowed: Record<string, string[]> = {
    serve: [
      'db',
      'port',
      'host',
      'tls-cert',
      'tls-key',
      'insecure-http',
      'retention-days',
      'admin-token-file',
      'nats',
      'viewer-token-file',
      'pcd01-to',
      'pcd01-every-s',
      'pcd01-alarms',
      'adt-port',
      'adt-host',
      'adt-allow',
      'release-cache',
    ],
    'enrolment-code': ['db', 'unit', 'valid-hours', 'workstation'],
    revoke: ['db', 'workstation'],
    workstations: ['db'],
  };
  const kind = sub ?? 'serve';
  if (!allowed[kind] || sub === 'serve') throw new UsageError(`Unknown command: ${first}`);
  const stray = Object.keys(values).filter((name) => !allowed[kind]!.includes(name));
  if (stray.length > 0) throw new UsageError(`--${stray[0]} is not an option of ${kind}`);
  const db = text(values, 'db');
  if (!db) throw new UsageError('--db postgres://… is needed: the PostgreSQL database to use');
  if (!/^postgres(ql)?:\/\//.test(db)) {
    throw new UsageError(
      '--db must be a PostgreSQL URL: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE',
    );
  }

  if (kind === 'enrolment-code') {
    const unit = text(values, 'unit')?.trim() ?? null;
    if (unit !== null && (unit.length === 0 || unit.length > 120)) {
      throw new UsageError('--unit must be 1 to 120 characters');
    }
    const validHours = number(values, 'valid-hours', DEFAULT_CODE_VALID_HOURS);
    if (!(validHours > 0 && validHours <= 24 * 30)) {
      throw new UsageError('--valid-hours must be more than 0 and at most 720 (30 days)');
    }
    const workstationId = text(values, 'workstation')?.trim() || null;
    return { kind, db, unit, validHours, workstationId };
  }
  if (kind === 'revoke') {
    const workstation = text(values, 'workstation');
    if (!workstation) throw new UsageError('revoke needs --workstation ID (see `workstations`)');
    return { kind, db, workstation };
  }
  if (kind === 'workstations') return { kind, db };

  const portText = text(values, 'port');
  if (portText === undefined)
    throw new UsageError('--port is needed (e.g. --port 8443; 0 picks a free one)');
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65_535) {
    throw new UsageError('--port must be a whole number from 0 to 65535');
  }
  const insecure = values['insecure-http'] === true;
  const certPath = text(values, 'tls-cert');
  const keyPath = text(values, 'tls-key');
  let tls: { certPath: string; keyPath: string } | null = null;
  if (insecure) {
    if (certPath || keyPath)
      throw new UsageError(
        '--insecure-http serves without TLS: leave out --tls-cert and --tls-key',
      );
  } else {
    if (!certPath || !keyPath) {
      throw new UsageError(
        'The central server serves HTTPS: give --tls-cert CERT.pem and --tls-key KEY.pem ' +
          '(or --insecure-http, on the loopback address only, for tests)',
      );
    }
    tls = { certPath, keyPath };
  }
  const host = text(values, 'host') ?? (insecure ? '127.0.0.1' : '0.0.0.0');
  if (insecure && !isLoopback(host)) {
    throw new UsageError(
      `--insecure-http serves without TLS, so it listens only on a loopback address ` +
        `(127.0.0.1, ::1 or localhost), for tests on this machine; ${host} is not one. ` +
        'To serve other machines, give --tls-cert and --tls-key instead.',
    );
  }
  const retentionDays = number(values, 'retention-days', 90);
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 36_500) {
    throw new UsageError('--retention-days must be a whole number of days from 1 to 36500');
  }
  const nats = text(values, 'nats') ?? null;
  if (nats !== null && !/^(nats|tls):\/\/[^\s]+$/.test(nats)) {
    throw new UsageError('--nats must be a NATS server address, e.g. nats://127.0.0.1:4222');
  }
  const adt = adtListener(values, host);
  return {
    kind: 'serve',
    db,
    host,
    port: Number(portText),
    tls,
    retentionDays,
    adminTokenFile: text(values, 'admin-token-file') ?? null,
    nats,
    viewerTokenFile: text(values, 'viewer-token-file') ?? null,
    pcd01: pcd01Target(values),
    adt,
    updatePublicKeys,
    releaseCache: releaseCacheOf(text(values, 'release-cache')),
  };
}

/** --release-cache DIR|none: where checked copies of release files are kept (none: never). */
function releaseCacheOf(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  if (value.trim() === '') throw new UsageError('--release-cache needs a folder, or none');
  return value;
}

function adtListener(values: Record<string, string | boolean | undefined>, serverHost: string) {
  const portText = text(values, 'adt-port');
  const adtHost = text(values, 'adt-host');
  const allowText = text(values, 'adt-allow');
  if (portText === undefined) {
    if (adtHost !== undefined || allowText !== undefined) {
      throw new UsageError('--adt-host and --adt-allow need --adt-port (e.g. 2575)');
    }
    return null;
  }
  const allow = (allowText ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  try {
    allowListOf(allow);
  } catch (error) {
    throw new UsageError(
      `--adt-allow takes the interface engine's addresses or subnets, separated by commas ` +
        `(e.g. 10.1.2.3,10.1.2.0/24): ${(error as Error).message}`,
    );
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65_535) {
    throw new UsageError('--adt-port must be a whole number from 0 to 65535 (2575 is usual)');
  }
  return {
    host: adtHost ?? serverHost,
    port: Number(portText),
    ...(allow.length > 0 ? { allow } : {}),
  };
}

function pcd01Target(values: Record<string, string | boolean | undefined>) {
  const to = text(values, 'pcd01-to');
  if (to === undefined) {
    if (values['pcd01-every-s'] !== undefined || values['pcd01-alarms'] !== undefined) {
      throw new UsageError('--pcd01-every-s and --pcd01-alarms need --pcd01-to HOST:PORT');
    }
    return null;
  }
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s:]+):(\d{1,5})$/.exec(to);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65_535) {
    throw new UsageError(
      "--pcd01-to must be the interface engine's MLLP listener as HOST:PORT, e.g. engine.hospital.local:6661",
    );
  }
  const everyS = number(values, 'pcd01-every-s', 60);
  if (!(everyS >= 1 && everyS <= 3_600)) {
    throw new UsageError(
      '--pcd01-every-s must be from 1 to 3600 seconds (60: one message a minute)',
    );
  }
  return {
    host: m[1]!.replace(/^\[|\]$/g, ''),
    port: Number(m[2]),
    everyS,
    alarms: values['pcd01-alarms'] === true,
  };
}

function text(values: Record<string, string | boolean | undefined>, name: string) {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function number(
  values: Record<string, string | boolean | undefined>,
  name: string,
  fallback: number,
) {
  const value = text(values, name);
  if (value === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`--${name} must be a number`);
  return Number(value);
}
