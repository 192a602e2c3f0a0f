// "Save strip as PDF" for the remote clinician (GET /telehealth/api/strip): the central server
// prints 20 s of the invited bed from the waveforms it holds (stored, and the last seconds of the
// watched bed's live waves: strip-recent.ts), on the workstation's paper
// (shared/strips: patient, bed, time, 25 mm/s, 10 mm/mV, the waves and the numerics). Only with the
// consult's session cookie, only for the invited bed and a time inside the invited patient's stay
// (from their admission into the bed to now); anything else is refused and audited. Each strip
// given is kept in telehealth_events as 'strip' with its span. The PDF is made in the server's
// strip worker thread (server/strips/server-strips.ts), never on the thread relaying live data.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { RequestOutput } from '../../shared/api/contract';
import type { Bed } from '../../shared/model/schemas';
import { stripNumerics, stripTraces } from '../../shared/strips/strip-content';
import { stripTitle, type StripHeader } from '../../shared/strips/strip-layout';
import { localTime } from '../../shared/strips/strip-time';
import type { ViewerRefusal } from '../../shared/telehealth/viewer';
import {
  StripQuery,
  VIEWER_STRIP_PATH,
  VIEWER_STRIP_S,
} from '../../shared/telehealth/viewer-strip';
import { namespacedBedId } from '../live/relay-message';
import { NO_STRIP_FONTS, serverStripRenderer } from '../strips/server-strips';
import { recentEndMs, withRecentWaves, type RecentWaves } from './strip-recent';
import { sessionCookie } from './viewer-http';
import type { Invitation } from './invitation-store';
import { callerOf, ViewerRefused, type Caller, type Telehealth } from './telehealth';

/** Strips waiting to be made at once, past which a request is told to try again. */
const MAX_WAITING = 4;
/** Numerics older than this before the strip's end are not printed as "now". */
const NUMERICS_WITHIN_MS = 5 * 60_000;
/** A strip may end this far past the server's clock (a viewer's clock a little ahead). */
const CLOCK_SLACK_MS = 2_000;

export const STRIP_WORDS = {
  otherBed: 'This consult link shows only the bed it was made for.',
  outsideStay: (fromMs: number) =>
    `That time is outside this patient's stay in the bed: a strip can be saved from ` +
    `${new Date(fromMs).toISOString()} until now.`,
  nothingHeld: (fromMs: number, toMs: number) =>
    `The central server holds no waveform of this patient from ${new Date(fromMs).toISOString()} ` +
    `to ${new Date(toMs).toISOString()}: choose another time, or try again in a minute (the ` +
    "clinic's workstation sends each minute of signal about a minute after it).",
  noneYet:
    "No waveform of this patient's stay has reached the central server yet: the clinic's " +
    'workstation sends each minute of signal about a minute after it. Try again then.',
  notLive: 'The central server is still starting: try again in a moment.',
  busy: 'The central server is making other strips just now: try again in a few seconds.',
  noFonts: NO_STRIP_FONTS,
};

export interface ViewerStripOptions {
  log(line: string): void;
  /** The folder of the strips' fonts; found above server/strips (resources/fonts) when absent. */
  fontsDir?: string;
  /**
   * What the server keeps of a watched bed's live waves from a time on (viewer-sockets.ts), or
   * null: the stored signal lags up to a minute, these are the last seconds.
   */
  recent?(bedId: string, fromMs: number): RecentWaves | null;
}

/** A file name for the download: the bed and the strip's end, in ASCII and in UTF-8. */
function dispositionOf(bedLabel: string, endMs: number, timeZone: string | undefined): string {
  // "2026-11-21 08-05-09": the strip's end in local time, with no character a file system refuses.
  const t = localTime(endMs, timeZone);
  const when = `${t.date} ${t.time.replace(/:/g, '-')}`;
  const name = `strip ${bedLabel} ${when}.pdf`.replace(/[\\/:*?"<>|]+/g, '-');
  // Control characters and anything outside printable ASCII become "_" in the plain name.
  const ascii = [...name].map((c) => (c >= ' ' && c <= '~' ? c : '_')).join('');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent([...name].filter((c) => c >= ' ').join(''))}`;
}

function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

export function viewerStrip(telehealth: Telehealth, options: ViewerStripOptions) {
  const printer = serverStripRenderer({
    log: options.log,
    ...(options.fontsDir ? { fontsDir: options.fontsDir } : {}),
  });
  let waiting = 0;

  /** The worker makes one strip at a time (a few hundred ms each); past MAX_WAITING: try again. */
  function queued<T>(make: () => Promise<T>): Promise<T> {
    if (waiting >= MAX_WAITING)
      return Promise.reject(
        new ViewerRefused(503, { error: 'bad-request', message: STRIP_WORDS.busy }),
      );
    waiting += 1;
    return make().finally(() => (waiting -= 1));
  }

  async function refuse(
    invitation: Invitation,
    caller: Caller,
    what: string,
    status: number,
    body: ViewerRefusal,
  ): Promise<never> {
    await telehealth.audit({
      invitationId: invitation.id,
      kind: 'refused',
      why: 'forbidden',
      actor: invitation.viewerName,
      ...caller,
      detail: `strip: ${what}`,
    });
    throw new ViewerRefused(status, body);
  }

  async function patientOf(invitation: Invitation, bed: Bed | undefined) {
    const live = bed?.patient;
    if (live && live.id === invitation.patientId)
      return { name: [live.familyName, live.givenName].filter(Boolean).join(', '), mrn: live.mrn };
    // The bed is offline (or the patient changed): the patient as last synced.
    const { rows } = await telehealth.db.query<{
      family_name: string | null;
      given_name: string | null;
      mrn: string | null;
    }>(
      `SELECT family_name, given_name, mrn FROM patients
       WHERE workstation_id = $1 AND (id::text = $2 OR supersedes::text = $2)
       ORDER BY created_at DESC LIMIT 1`,
      [invitation.workstationId, invitation.patientId],
    );
    const row = rows[0];
    if (!row) return null;
    const name = [row.family_name, row.given_name].filter(Boolean).join(', ');
    return name ? { name, mrn: row.mrn } : null;
  }

  /** Each printed numeric's latest value in the stay, at most NUMERICS_WITHIN_MS before `toMs`. */
  async function numericsAt(invitation: Invitation, stayFromMs: number, toMs: number) {
    const { rows } = await telehealth.db.query<{ code: string; value: number }>(
      `SELECT DISTINCT ON (code) code, value FROM numerics
       WHERE workstation_id = $1 AND bed_id = $2 AND at_ms <= $3 AND at_ms >= $4
       ORDER BY code, at_ms DESC`,
      [
        invitation.workstationId,
        invitation.bedId,
        toMs,
        Math.max(stayFromMs, toMs - NUMERICS_WITHIN_MS),
      ],
    );
    return stripNumerics(Object.fromEntries(rows.map((r) => [r.code, { value: Number(r.value) }])));
  }

  async function strip(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const caller = callerOf(req);
    const invitation = await telehealth.bySession(sessionCookie(req), caller, 'a strip');
    const parsed = StripQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      const message = `The strip request is not valid: ${z.prettifyError(parsed.error)}`;
      return refuse(invitation, caller, message, 400, { error: 'bad-request', message });
    }
    const query = parsed.data;
    const bedId = namespacedBedId(invitation.workstationId, invitation.bedId);
    if (query.bedId !== bedId)
      return refuse(invitation, caller, `of bed ${query.bedId.slice(0, 200)}`, 403, {
        error: 'forbidden',
        message: STRIP_WORDS.otherBed,
      });
    const live = telehealth.live();
    if (!live) throw new ViewerRefused(503, { error: 'bad-request', message: STRIP_WORDS.notLive });
    const stayFromMs = await telehealth.stayStartMs(invitation);
    const nowMs = telehealth.now();
    // The last seconds of the live waves, when a consult's socket watches the bed.
    const recent =
      options.recent?.(bedId, Math.max(stayFromMs, nowMs - 2 * VIEWER_STRIP_S * 1000)) ?? null;
    let endMs = query.endMs;
    if (endMs === undefined) {
      const extent = (await live.central.request('getWaveformExtent', {
        bedId,
      })) as RequestOutput<'getWaveformExtent'>;
      const newestMs = Math.max(extent?.newestMs ?? -Infinity, recentEndMs(recent) ?? -Infinity);
      if (newestMs <= stayFromMs)
        return void sendRefusal(res, 404, { error: 'bad-request', message: STRIP_WORDS.noneYet });
      endMs = Math.min(nowMs, Math.floor(newestMs) + 1);
    } else if (endMs <= stayFromMs || endMs > nowMs + CLOCK_SLACK_MS) {
      return refuse(
        invitation,
        caller,
        `at ${new Date(endMs).toISOString()}, outside the stay (from ${new Date(stayFromMs).toISOString()})`,
        403,
        { error: 'forbidden', message: STRIP_WORDS.outsideStay(stayFromMs) },
      );
    }
    const fromMs = Math.max(stayFromMs, endMs - VIEWER_STRIP_S * 1000);
    const window =
      endMs > fromMs
        ? ((await live.central.request('getWaveformWindow', {
            bedId,
            fromMs,
            toMs: endMs,
          })) as RequestOutput<'getWaveformWindow'>)
        : [];
    const joined = withRecentWaves(window, recent, fromMs, endMs);
    const traces = stripTraces(joined.channels, joined.segments);
    if (traces.length === 0) {
      return void sendRefusal(res, 404, {
        error: 'bad-request',
        message: STRIP_WORDS.nothingHeld(fromMs, endMs),
      });
    }
    const timeZone = validZone(query.tz);
    const bed = live.relay.listBeds().find((b) => b.id === bedId);
    const actor = `${invitation.viewerName ?? 'the remote clinician'} (remote consult)`;
    const header: StripHeader = {
      bedLabel: invitation.bedLabel,
      patient: await patientOf(invitation, bed),
      kind: 'manual',
      alarmMessage: null,
      eventMs: null,
      fromMs,
      toMs: endMs,
      createdAtMs: nowMs,
      actor,
      ...(timeZone ? { timeZone } : {}),
    };
    const numerics = await numericsAt(invitation, stayFromMs, endMs);
    const pdf = await queued(() =>
      printer.render(
        { header, traces, numerics },
        { title: `${stripTitle(header)} - ${invitation.bedLabel}`, createdAtMs: nowMs },
      ),
    );
    await telehealth.audit({
      invitationId: invitation.id,
      kind: 'strip',
      actor: invitation.viewerName,
      ...caller,
      detail:
        `strip of bed ${invitation.bedLabel} from ${new Date(fromMs).toISOString()} to ` +
        `${new Date(endMs).toISOString()}, ${pdf.byteLength} bytes`,
    });
    res.writeHead(200, {
      'Content-Type': 'application/pdf',
      'Content-Length': pdf.byteLength,
      'Content-Disposition': dispositionOf(invitation.bedLabel, endMs, timeZone),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(pdf);
  }

  function sendRefusal(res: ServerResponse, status: number, body: ViewerRefusal): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    res.end(text);
  }

  return {
    /** Ends the strip worker; strips asked for from then on are refused. */
    close: () => printer.stop(),

    /** Takes GET /telehealth/api/strip; false for any other request. */
    handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://central.invalid');
      } catch {
        return false;
      }
      if (url.pathname !== VIEWER_STRIP_PATH) return false;
      if (req.method !== 'GET') {
        sendRefusal(res, 405, {
          error: 'bad-request',
          message: `${(req.method ?? '').slice(0, 10)} is not how this address is used.`,
        });
        return true;
      }
      strip(req, res, url).catch((error: unknown) => {
        if (error instanceof ViewerRefused) return sendRefusal(res, error.status, error.body);
        options.log(`telehealth: a strip failed: ${(error as Error)?.stack ?? String(error)}`);
        const why = error instanceof Error && error.message === STRIP_WORDS.noFonts;
        sendRefusal(res, 500, {
          error: 'bad-request',
          message: why
            ? STRIP_WORDS.noFonts
            : 'The central server could not make the strip (it is logged). Try again in a moment.',
        });
      });
      return true;
    },
  };
}
