// The relay's door for workstations: a WebSocket at SYNC_PATHS.live. The bearer credential is
// checked before anything is taken; the workstation says hello with its own id and protocol, then
// sends its beds, their live events and (telehealth) their auscultation audio. Whatever it sends
// is validated; an event that names another bed than the one it comes under, or an event or audio
// for a bed the workstation did not list, is refused.
// A hostile or broken workstation ends its own socket at worst, never the relay.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  LiveFromWorkstation,
  MAX_LIVE_MESSAGE_BYTES,
  type LiveToWorkstation,
} from '../../shared/sync/live';
import {
  SYNC_PATHS,
  SYNC_PROTOCOL,
  SYNC_PROTOCOL_HEADER,
  protocolMismatchMessage,
  protocolVerdict,
  type SyncErrorCode,
} from '../../shared/sync/protocol';
import type { BedSite } from '../../shared/model/schemas';
import type { LiveRelay } from './relay';
import { bedIdsNamedIn, namespacedBed, namespacedEvent } from './relay-message';

/** Who holds a credential: the workstation as IT enrolled it, or why it is refused. */
export type WorkstationAuthentication =
  | { workstationId: string; name: string; unit: string | null }
  | { refused: Extract<SyncErrorCode, 'unauthenticated' | 'revoked'>; message: string };

export type AuthenticateWorkstation = (credential: string) => Promise<WorkstationAuthentication>;

export interface WorkstationSocketOptions {
  relay: LiveRelay;
  authenticate: AuthenticateWorkstation;
  log?: (message: string) => void;
  /** Invalid messages a workstation may send in a row before its socket is closed. */
  maxInvalidMessages?: number;
  /** How often a connected workstation's credential is checked again (revocation). */
  recheckMs?: number;
  /** Ping period; a workstation that answers no ping for two periods is gone. */
  pingMs?: number;
}

export interface WorkstationSocketEndpoint {
  /** Takes the upgrade when it is for the live path; false leaves it to another endpoint. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Workstations connected to this instance now. */
  connected(): number;
  close(): void;
}

const MAX_INVALID_MESSAGES = 20;
const RECHECK_MS = 60_000;
const PING_MS = 15_000;
/** How long a workstation has, once connected, to say hello. */
const HELLO_WITHIN_MS = 10_000;

export function workstationSocketEndpoint(
  options: WorkstationSocketOptions,
): WorkstationSocketEndpoint {
  const log = options.log ?? ((message: string) => console.error(message));
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_LIVE_MESSAGE_BYTES,
    perMessageDeflate: false,
  });
  /** The socket each workstation holds on this instance: a second one replaces the first. */
  const holders = new Map<string, WebSocket>();
  // A release published (on any instance): every workstation welcomed here reads its feed soon.
  const stopFeedNotices = options.relay.onUpdateFeed((change) => {
    const text = JSON.stringify({ type: 'update-feed', ...change } satisfies LiveToWorkstation);
    for (const ws of holders.values()) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  function accept(ws: WebSocket, req: IncomingMessage): void {
    const session = randomUUID();
    const peer = req.socket.remoteAddress ?? 'unknown';
    let identity: { workstationId: string; site: BedSite } | null = null;
    let welcomed = false;
    let invalid = 0;
    let awaitingPong = false;
    const listedBeds = new Set<string>();
    const timers: Array<ReturnType<typeof setInterval> | ReturnType<typeof setTimeout>> = [];

    ws.on('error', (error) =>
      log(`live: workstation socket from ${peer} failed: ${error.message}`),
    );

    const send = (message: LiveToWorkstation) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const refuse = (error: SyncErrorCode, message: string) => {
      log(`live: refused ${identity?.workstationId ?? `a workstation at ${peer}`}: ${message}`);
      // Revoked while connected: its beds leave the station (not merely offline).
      if (identity && error === 'revoked')
        options.relay.workstationDisconnected(identity.workstationId, session, true);
      send({ type: 'refused', error, message });
      ws.close(1008, error);
      // A peer that never answers the close is not waited for.
      timers.push(setTimeout(() => ws.terminate(), 5_000));
    };

    // The credential comes in the upgrade's header, as with every sync request.
    const header = req.headers.authorization ?? '';
    const credential = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const headerProtocol = Number(req.headers[SYNC_PROTOCOL_HEADER] ?? SYNC_PROTOCOL);
    const pending: Array<{ data: unknown; isBinary: boolean }> = [];
    let authenticated: WorkstationAuthentication | null = null;

    const authenticate = async () => {
      if (!credential) return null;
      try {
        return await options.authenticate(credential);
      } catch (error) {
        log(`live: a workstation credential could not be checked: ${String(error)}`);
        return undefined;
      }
    };

    void authenticate().then((result) => {
      if (ws.readyState !== ws.OPEN) return;
      if (result === undefined)
        return refuse('unavailable', 'The central server cannot check credentials now; try later.');
      if (result === null)
        return refuse('unauthenticated', 'The live stream needs the workstation’s credential.');
      if ('refused' in result) return refuse(result.refused, result.message);
      authenticated = result;
      const verdict = protocolVerdict(headerProtocol);
      if (verdict !== 'ok') return refuseProtocol(headerProtocol);
      for (const message of pending.splice(0)) receive(message.data, message.isBinary);
    });

    const refuseProtocol = (theirs: number) =>
      refuse(
        protocolVerdict(theirs) === 'peer-too-old' ? 'protocol-too-old' : 'protocol-too-new',
        protocolMismatchMessage(theirs, SYNC_PROTOCOL, SYNC_PROTOCOL),
      );

    const invalidMessage = (why: string) => {
      invalid += 1;
      if (invalid <= 3)
        log(`live: ${identity?.workstationId ?? peer} sent a message refused: ${why}`);
      if (invalid > (options.maxInvalidMessages ?? MAX_INVALID_MESSAGES))
        refuse('bad-request', 'The workstation keeps sending messages the relay cannot take.');
    };

    function receive(data: unknown, isBinary: boolean): void {
      if (!authenticated || 'refused' in authenticated) {
        if (pending.length < 4) pending.push({ data, isBinary });
        return;
      }
      if (isBinary) return invalidMessage('binary messages are not part of the live protocol');
      let parsed;
      try {
        parsed = LiveFromWorkstation.safeParse(JSON.parse(String(data)));
      } catch {
        return invalidMessage('not JSON');
      }
      if (!parsed.success)
        return invalidMessage(parsed.error.issues[0]?.message ?? 'not a live message');
      const message = parsed.data;
      if (message.type === 'hello') {
        if (welcomed) return invalidMessage('a second hello');
        if (message.workstationId !== authenticated.workstationId)
          return refuse(
            'forbidden',
            'The workstation says it is another workstation than its credential’s.',
          );
        if (protocolVerdict(message.protocol) !== 'ok') return refuseProtocol(message.protocol);
        const site: BedSite = {
          workstationId: authenticated.workstationId,
          workstationName: authenticated.name,
          unit: authenticated.unit,
        };
        identity = { workstationId: authenticated.workstationId, site };
        const previous = holders.get(identity.workstationId);
        holders.set(identity.workstationId, ws);
        if (previous && previous !== ws) previous.terminate();
        welcomed = true;
        invalid = 0;
        send({ type: 'welcome', protocol: SYNC_PROTOCOL });
        options.relay.workstationConnected(site, session);
        return;
      }
      if (!welcomed || !identity) return invalidMessage(`${message.type} before hello`);
      const workstationId = identity.workstationId;
      if (message.type === 'beds') {
        const ids = message.beds.map((bed) => bed.id);
        if (ids.some((id) => id.includes('/')) || new Set(ids).size !== ids.length)
          return invalidMessage('bed ids must be unique and hold no "/"');
        listedBeds.clear();
        for (const id of ids) listedBeds.add(id);
        options.relay.workstationBeds(
          workstationId,
          message.beds.map((bed) => namespacedBed(bed, workstationId)),
        );
        invalid = 0;
        return;
      }
      if (message.type === 'audio') {
        if (!listedBeds.has(message.bedId))
          return invalidMessage(`audio for ${message.bedId}, which is not one of its beds`);
        invalid = 0;
        options.relay.workstationAudio(
          workstationId,
          `${workstationId}/${message.bedId}`,
          message.frames,
        );
        return;
      }
      if (!listedBeds.has(message.bedId))
        return invalidMessage(`an event for ${message.bedId}, which is not one of its beds`);
      if (bedIdsNamedIn(message.event).some((id) => id !== message.bedId))
        return invalidMessage(`an event under ${message.bedId} that names another bed`);
      invalid = 0;
      options.relay.workstationEvent(
        workstationId,
        `${workstationId}/${message.bedId}`,
        namespacedEvent(message.event, workstationId),
      );
    }

    ws.on('message', (data, isBinary) => {
      try {
        receive(data, isBinary);
      } catch (error) {
        log(`live: a message from ${identity?.workstationId ?? peer} failed: ${String(error)}`);
      }
    });
    ws.on('pong', () => {
      awaitingPong = false;
    });

    timers.push(
      setTimeout(() => {
        if (!welcomed && ws.readyState === ws.OPEN)
          refuse('bad-request', 'The workstation did not say hello in time.');
      }, HELLO_WITHIN_MS),
      setInterval(() => {
        if (ws.readyState !== ws.OPEN) return;
        if (awaitingPong) {
          log(`live: ${identity?.workstationId ?? peer} stopped answering; its socket is closed`);
          ws.terminate();
          return;
        }
        awaitingPong = true;
        ws.ping();
      }, options.pingMs ?? PING_MS),
      // A credential revoked while connected ends the stream at the next check.
      setInterval(() => {
        if (!welcomed || ws.readyState !== ws.OPEN) return;
        void authenticate().then((result) => {
          if (result && 'refused' in result) refuse(result.refused, result.message);
        });
      }, options.recheckMs ?? RECHECK_MS),
    );

    ws.on('close', () => {
      for (const timer of timers) clearTimeout(timer);
      if (!identity) return;
      if (holders.get(identity.workstationId) === ws) holders.delete(identity.workstationId);
      options.relay.workstationDisconnected(identity.workstationId, session);
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      let path: string;
      try {
        path = new URL(req.url ?? '/', 'http://relay').pathname;
      } catch {
        return false;
      }
      if (path !== SYNC_PATHS.live) return false;
      sockets.handleUpgrade(req, socket, head, (ws) => accept(ws, req));
      return true;
    },
    connected: () => holders.size,
    close() {
      stopFeedNotices();
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
    },
  };
}
