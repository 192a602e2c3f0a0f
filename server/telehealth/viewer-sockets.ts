// The remote clinician's WebSockets: /telehealth/ws speaks the contract's wire as the hospital
// central station's socket does (bindViewerSocket), on the one-patient api (one-patient-api.ts),
// in fewer, fuller messages for a poor link (viewer-pacing.ts), and a viewer whose socket stalled
// resumes on a fresh one from the last sample it holds (replay-buffer.ts); /telehealth/audio carries the bed's live auscultation as binary frames (audio.ts). Both need the
// consult's session cookie and this server's own page as their Origin; each is refused otherwise
// (audited), and closed with VIEWER_CLOSE.ended the moment its consult ends.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BedLiveEvent } from '../../shared/api/contract';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../shared/api/wire';
import {
  consecutiveRuns,
  encodeViewerAudioBatch,
  type AuscultationFrame,
} from '../../shared/telehealth/audio';
import {
  DEFAULT_POINTS_PER_SECOND,
  MAX_POINTS_PER_SECOND,
  MIN_POINTS_PER_SECOND,
  SOCKET_TAG_PARAM,
  VIEWER_PATHS,
} from '../../shared/telehealth/viewer';
import { namespacedBedId } from '../live/relay-message';
import { bindViewerSocket, VIEWER_LIMITS, type ViewerLimits } from '../central/viewer-socket';
import type { Invitation } from './invitation-store';
import { onePatientApi } from './one-patient-api';
import { withFewerPackets } from './viewer-pacing';
import { createReplayBuffers } from './replay-buffer';
import { callerOf, ViewerRefused, type Caller, type Telehealth } from './telehealth';
import { foreignOrigin, sessionCookie } from './viewer-http';

export interface ViewerSocketsOptions {
  ownOrigins(): string[];
  log(line: string): void;
  limits?: Partial<ViewerLimits>;
}

/** A kind of history read is written to the trail at most this often per socket. */
const READ_AUDIT_EVERY_MS = 60_000;

/** Audio queued past this is dropped, frame by frame: the sound is never far behind. */
const AUDIO_BEHIND_BYTES = 64 * 1024;
/** A closed socket whose peer does not answer the close is cut after this. */
const CLOSE_GRACE_MS = 2_000;
/** How long a socket keeps the patient's stay start before reading it again. */
const STAY_START_TTL_MS = 30_000;

/** ?pps= as asked, within MIN/MAX_POINTS_PER_SECOND; DEFAULT_POINTS_PER_SECOND when absent. */
export function pointsPerSecondOf(url: URL): number {
  const asked = Number(url.searchParams.get('pps') ?? NaN);
  if (!Number.isFinite(asked)) return DEFAULT_POINTS_PER_SECOND;
  return Math.round(Math.min(MAX_POINTS_PER_SECOND, Math.max(MIN_POINTS_PER_SECOND, asked)));
}

export function viewerSockets(telehealth: Telehealth, options: ViewerSocketsOptions) {
  const { log } = options;
  const limits = { ...VIEWER_LIMITS, ...options.limits };
  const servers = {
    wire: new WebSocketServer({
      noServer: true,
      maxPayload: MAX_CLIENT_MESSAGE_BYTES,
      perMessageDeflate: false,
    }),
    audio: new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false }),
  };
  // The last seconds of each watched bed's waves, for a viewer resuming on a fresh socket.
  const replays = createReplayBuffers(
    async (bedId, onEvent) => {
      const live = telehealth.live();
      if (!live) throw new Error('the central server is starting');
      return live.central.subscribe('bedLive', { bedId, waveforms: 'all' }, (event) =>
        onEvent(event as BedLiveEvent),
      );
    },
    { log },
  );

  const refuseUpgrade = (socket: Duplex, status: number, words: string) => {
    if (!socket.writable) return void socket.destroy();
    socket.end(
      `HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(words)}\r\n\r\n${words}`,
    );
  };

  /** Registers the socket with its consult: closed with it, audited when it opens and closes. */
  function follow(ws: WebSocket, invitation: Invitation, caller: Caller, what: string) {
    const unregister = telehealth.addSocket({
      invitationId: invitation.id,
      close(code, reason) {
        if (ws.readyState === ws.CLOSED) return;
        ws.close(code, reason);
        setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
      },
    });
    telehealth.socketEvent(invitation, 'socket-open', caller, what);
    ws.once('close', (code) => {
      unregister();
      telehealth.socketEvent(invitation, 'socket-close', caller, `${what}, closed ${code}`);
    });
  }

  /** Live sockets by consult and by the tag their page gave them (?c=), for REPLACES_PARAM. */
  const tagged = new Map<string, Map<string, WebSocket>>();

  /** Cuts a socket its page gave up as stuck: at once, what the kernel still holds dropped. */
  function cut(ws: WebSocket) {
    const tcp = (ws as unknown as { _socket?: { resetAndDestroy?: () => void } })._socket;
    try {
      tcp?.resetAndDestroy?.();
    } finally {
      ws.terminate();
    }
  }

  function wire(ws: WebSocket, invitation: Invitation, caller: Caller, url: URL) {
    const live = telehealth.live();
    if (!live) return ws.close(1013, 'The central server is starting: try again in a moment.');
    const tag = url.searchParams.get(SOCKET_TAG_PARAM);
    if (tag !== null && /^[A-Za-z0-9]{8,32}$/.test(tag)) {
      const mine = tagged.get(invitation.id) ?? new Map<string, WebSocket>();
      tagged.set(invitation.id, mine);
      mine.set(tag, ws);
      ws.once('close', () => {
        if (mine.get(tag) === ws) mine.delete(tag);
        if (mine.size === 0 && tagged.get(invitation.id) === mine) tagged.delete(invitation.id);
      });
    }
    const pointsPerSecond = pointsPerSecondOf(url);
    let stayStart: { atMs: number; start: Promise<number> } | null = null;
    const readAt = new Map<string, number>();
    const bedId = namespacedBedId(invitation.workstationId, invitation.bedId);
    const replay = replays.acquire(bedId);
    ws.once('close', () => replay.release());
    const api = onePatientApi(live.central, {
      bedId,
      replaySince: (fromMs) => replay.since(fromMs),
      onReplaces: (given) => {
        const stuck = tagged.get(invitation.id)?.get(given);
        if (stuck && stuck !== ws) {
          log(`telehealth: a viewer resumed on a new socket; the one it gave up is cut`);
          cut(stuck);
        }
      },
      patientId: invitation.patientId,
      pointsPerSecond,
      stayStartMs() {
        if (!stayStart || Date.now() - stayStart.atMs > STAY_START_TTL_MS) {
          const start = telehealth.stayStartMs(invitation);
          start.catch(() => (stayStart = null));
          stayStart = { atMs: Date.now(), start };
        }
        return stayStart.start;
      },
      now: () => telehealth.now(),
      recordings: telehealth.recordingsFor(invitation, caller),
      onForbidden: (what) => telehealth.forbidden(invitation, what, caller),
      onRead: (method, input) => {
        // Once a minute per kind of read: review's scrolling asks for many windows.
        const last = readAt.get(method) ?? -Infinity;
        if (Date.now() - last < READ_AUDIT_EVERY_MS) return;
        readAt.set(method, Date.now());
        telehealth.read(invitation, method, input, caller);
      },
      onPatientLeft: (bed) =>
        telehealth.patientLeft(
          invitation,
          bed.patient ? 'another patient is in the bed' : 'the bed is empty',
        ),
    });
    const peer = `telehealth viewer ${invitation.viewerName ?? '?'} at ${caller.address ?? '?'}`;
    bindViewerSocket(ws, withFewerPackets(api, { log }), { log, limits, peer });
    follow(ws, invitation, caller, `live socket, ${pointsPerSecond} points/s`);
  }

  function audio(ws: WebSocket, invitation: Invitation, caller: Caller) {
    const live = telehealth.live();
    if (!live) return ws.close(1013, 'The central server is starting: try again in a moment.');
    ws.on('error', (error) => log(`telehealth: audio socket failed: ${error.message}`));
    // The viewer only listens: whatever it sends is ignored.
    ws.on('message', () => undefined);
    let dropped = 0;
    // The frames of one turn (a workstation's message holds ~100 ms of them) leave as one
    // message: on a poor link one small packet per batch, not one per 20 ms frame.
    let batch: AuscultationFrame[] = [];
    const flush = () => {
      const frames = batch;
      batch = [];
      if (ws.readyState !== ws.OPEN || frames.length === 0) return;
      if (ws.bufferedAmount > AUDIO_BEHIND_BYTES) {
        dropped += frames.length;
        return;
      }
      for (const run of consecutiveRuns(frames)) {
        try {
          ws.send(encodeViewerAudioBatch(run));
        } catch (error) {
          log(`telehealth: auscultation frames could not be sent: ${String(error)}`);
        }
      }
    };
    const stop = live.relay.subscribeAudio(
      namespacedBedId(invitation.workstationId, invitation.bedId),
      (frame) => {
        if (ws.readyState !== ws.OPEN) return;
        if (batch.length === 0) setImmediate(flush);
        batch.push(frame);
      },
    );
    ws.once('close', () => {
      stop();
      if (dropped > 0)
        log(`telehealth: ${dropped} auscultation frame(s) dropped for a slow viewer`);
    });
    follow(ws, invitation, caller, 'audio socket');
  }

  async function accept(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) {
    const caller = callerOf(req);
    const foreign = foreignOrigin(req, options.ownOrigins(), true);
    if (foreign) {
      await telehealth.audit({
        invitationId: null,
        kind: 'refused',
        why: 'forbidden',
        ...caller,
        detail: `${url.pathname} from ${foreign}`,
      });
      return refuseUpgrade(
        socket,
        403,
        'Only the consult page of this central server may open this.',
      );
    }
    let invitation: Invitation;
    try {
      invitation = await telehealth.bySession(sessionCookie(req), caller, url.pathname);
    } catch (error) {
      if (error instanceof ViewerRefused) return refuseUpgrade(socket, 401, error.body.message);
      throw error;
    }
    if (socket.destroyed) return;
    const server = url.pathname === VIEWER_PATHS.socket ? servers.wire : servers.audio;
    server.handleUpgrade(req, socket, head, (ws) => {
      if (url.pathname === VIEWER_PATHS.socket) wire(ws, invitation, caller, url);
      else audio(ws, invitation, caller);
    });
  }

  return {
    /** Takes the upgrade when it is a viewer's socket; false otherwise. */
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://central.invalid');
      } catch {
        return false;
      }
      if (url.pathname !== VIEWER_PATHS.socket && url.pathname !== VIEWER_PATHS.audio) return false;
      accept(req, socket, head, url).catch((error: unknown) => {
        log(`telehealth: a viewer's socket could not be opened: ${String(error)}`);
        refuseUpgrade(socket, 503, 'The central server could not open the consult just now.');
      });
      return true;
    },

    /** The watched bed's last seconds of live waves (replay-buffer.ts), for a strip "now". */
    recent: (bedId: string, fromMs: number) => replays.recent(bedId, fromMs),

    close(): void {
      replays.close();
      for (const server of Object.values(servers)) {
        for (const ws of server.clients) ws.terminate();
        server.close();
      }
    },
  };
}
