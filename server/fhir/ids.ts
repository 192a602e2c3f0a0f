// FHIR ids made from the server's own keys, deterministic and within [A-Za-z0-9-.]{1,64}.
// Every synced row is keyed by (workstation id, uuid); workstation ids, bed ids and device ids are
// free text, so they enter an id as the first hex digits of their MD5 (an address, not a secret)
// and are found again among the workstation's own rows. Patients with an MRN are persons across
// workstations: their id is the MD5 of the MRN as matched (mrn_key: trimmed, lower case).
import { createHash } from 'node:crypto';

// The same few workstation, bed and device ids are hashed for every resource of a search.
const hashes = new Map<string, string>();
const MAX_REMEMBERED = 10_000;

export function md5(text: string): string {
  let hex = hashes.get(text);
  if (hex === undefined) {
    hex = createHash('md5').update(text, 'utf8').digest('hex');
    if (hashes.size >= MAX_REMEMBERED) hashes.clear();
    hashes.set(text, hex);
  }
  return hex;
}
const WS_HEX = 10;
const KEY_HEX = 12;

export const wsKey = (workstationId: string) => md5(workstationId).slice(0, WS_HEX);
export const textKey = (text: string) => md5(text).slice(0, KEY_HEX);
const compactUuid = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();
const expandUuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** mrn_key of migration 002: trimmed, lower case; empty is none. */
export function mrnKey(mrn: string | null): string | null {
  const key = (mrn ?? '').trim().toLowerCase();
  return key === '' ? null : key;
}

/** The kinds of id, each with its own prefix so a read knows where to look. */
export const ids = {
  /** A person: one MRN across workstations. */
  person: (mrn: string) => `mrn-${md5(mrnKey(mrn)!)}`,
  /** A row (a workstation patient without MRN, an admission, an alarm, a strip…). */
  row: (prefix: string, workstationId: string, uuid: string) =>
    `${prefix}-${wsKey(workstationId)}-${compactUuid(uuid)}`,
  unit: (name: string) => `unit-${textKey(name)}`,
  bed: (workstationId: string, bedId: string) => `bed-${wsKey(workstationId)}-${textKey(bedId)}`,
  device: (workstationId: string, deviceId: string) =>
    `dev-${wsKey(workstationId)}-${textKey(deviceId)}`,
  /** A per-minute rollup of one code (or the BP panel) of a bed. */
  minute: (workstationId: string, bedId: string, minute: number, code: string) =>
    `min-${wsKey(workstationId)}-${textKey(bedId)}-${minute}-${textKey(code)}`,
  /** A strip of one channel: bed, channel, and its window in ms. */
  strip: (workstationId: string, bedId: string, channelKey: string, fromMs: number, toMs: number) =>
    `wave-${wsKey(workstationId)}-${textKey(bedId)}-${textKey(channelKey)}-${fromMs}-${toMs - fromMs}`,
  access: (seq: string | number) => `access-${seq}`,
};

export type ParsedId =
  | { kind: 'person'; mrnMd5: string }
  | { kind: 'row'; prefix: string; ws: string; uuid: string }
  | { kind: 'unit'; key: string }
  | { kind: 'bed'; ws: string; bed: string }
  | { kind: 'device'; ws: string; device: string }
  | { kind: 'minute'; ws: string; bed: string; minute: number; code: string }
  | { kind: 'strip'; ws: string; bed: string; channel: string; fromMs: number; toMs: number }
  | { kind: 'access'; seq: string };

const H = (n: number) => `([0-9a-f]{${n}})`;

/** What an id names, or null when it is not one of ours (read answers 404). */
export function parseId(id: string): ParsedId | null {
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^mrn-${H(32)}$`).exec(id))) return { kind: 'person', mrnMd5: m[1]! };
  if ((m = new RegExp(`^unit-${H(KEY_HEX)}$`).exec(id))) return { kind: 'unit', key: m[1]! };
  if ((m = new RegExp(`^bed-${H(WS_HEX)}-${H(KEY_HEX)}$`).exec(id))) {
    return { kind: 'bed', ws: m[1]!, bed: m[2]! };
  }
  if ((m = new RegExp(`^dev-${H(WS_HEX)}-${H(KEY_HEX)}$`).exec(id))) {
    return { kind: 'device', ws: m[1]!, device: m[2]! };
  }
  if ((m = new RegExp(`^min-${H(WS_HEX)}-${H(KEY_HEX)}-(\\d{1,12})-${H(KEY_HEX)}$`).exec(id))) {
    return { kind: 'minute', ws: m[1]!, bed: m[2]!, minute: Number(m[3]), code: m[4]! };
  }
  if (
    (m = new RegExp(`^wave-${H(WS_HEX)}-${H(KEY_HEX)}-${H(KEY_HEX)}-(\\d{1,15})-(\\d{1,6})$`).exec(
      id,
    ))
  ) {
    const fromMs = Number(m[4]);
    return {
      kind: 'strip',
      ws: m[1]!,
      bed: m[2]!,
      channel: m[3]!,
      fromMs,
      toMs: fromMs + Number(m[5]),
    };
  }
  if ((m = /^access-(\d{1,18})$/.exec(id))) return { kind: 'access', seq: m[1]! };
  if ((m = new RegExp(`^([a-z]{2,8})-${H(WS_HEX)}-${H(32)}$`).exec(id))) {
    return { kind: 'row', prefix: m[1]!, ws: m[2]!, uuid: expandUuid(m[3]!) };
  }
  return null;
}
