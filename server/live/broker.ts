// How relay instances hear each other. One instance needs no broker: its messages go straight
// back to itself. Several instances behind a load balancer share NATS (`--nats URL`): every
// instance publishes what its workstations send and hears everything, its own included, so a
// viewer on any instance sees every workstation. NATS is inside the hospital's server network and
// trusted as the database is: messages from it are checked for shape, not re-validated in depth
// (each was validated once, by the instance its workstation talks to).
import { connect } from '@nats-io/transport-node';
import type { RelayMessage } from './relay-message';

export interface LiveBroker {
  /** Delivered to every instance's handler, this one's included. */
  publish(message: RelayMessage): void;
  subscribe(handler: (message: RelayMessage) => void): void;
  close(): Promise<void>;
}

/** A single instance: what it publishes, it hears at once. */
export class LocalBroker implements LiveBroker {
  private readonly handlers: Array<(message: RelayMessage) => void> = [];

  publish(message: RelayMessage): void {
    for (const handler of this.handlers) handler(message);
  }

  subscribe(handler: (message: RelayMessage) => void): void {
    this.handlers.push(handler);
  }

  close(): Promise<void> {
    this.handlers.length = 0;
    return Promise.resolve();
  }
}

/**
 * Subjects: live.<workstation>.<bed> for a bed's events, live.<workstation>.<bed>._audio for its
 * auscultation, live.<workstation>._ws for the rest.
 */
export const LIVE_SUBJECT_ROOT = 'live';
const CONTROL_SUBJECT = `${LIVE_SUBJECT_ROOT}._control`;
const UPDATES_SUBJECT = `${LIVE_SUBJECT_ROOT}._updates`;

/** An id as one subject token: no '.', '*', '>' or white space (percent-encoded). */
export function subjectToken(id: string): string {
  return encodeURIComponent(id).replace(
    /[.*!'()~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function subjectOf(message: RelayMessage): string {
  switch (message.kind) {
    case 'bed':
      return `${LIVE_SUBJECT_ROOT}.${subjectToken(message.workstationId)}.${subjectToken(message.bedId)}`;
    case 'audio':
      return `${LIVE_SUBJECT_ROOT}.${subjectToken(message.workstationId)}.${subjectToken(message.bedId)}._audio`;
    case 'workstation':
      return `${LIVE_SUBJECT_ROOT}.${subjectToken(message.site.workstationId)}._ws`;
    case 'offline':
      return `${LIVE_SUBJECT_ROOT}.${subjectToken(message.workstationId)}._ws`;
    case 'state-request':
      return CONTROL_SUBJECT;
    case 'update-feed':
      return UPDATES_SUBJECT;
  }
}

const KINDS = new Set(['workstation', 'bed', 'audio', 'offline', 'state-request', 'update-feed']);

/** A message from the broker, or null when it is not one of ours. */
export function readRelayMessage(text: string): RelayMessage | null {
  try {
    const value = JSON.parse(text) as { kind?: unknown } | null;
    if (typeof value !== 'object' || value === null || !KINDS.has(value.kind as string))
      return null;
    return value as RelayMessage;
  } catch {
    return null;
  }
}

type NatsConnection = Awaited<ReturnType<typeof connect>>;

export class NatsBroker implements LiveBroker {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  private constructor(
    private readonly connection: NatsConnection,
    private readonly log: (message: string) => void,
  ) {}

  static async connect(
    servers: string,
    name: string,
    log: (message: string) => void,
  ): Promise<NatsBroker> {
    const connection = await connect({
      servers,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    });
    const broker = new NatsBroker(connection, log);
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect')
          log(`live: NATS ${status.type === 'disconnect' ? 'lost' : 'back'} (${servers})`);
      }
    })().catch(() => {});
    return broker;
  }

  publish(message: RelayMessage): void {
    try {
      this.connection.publish(subjectOf(message), this.encoder.encode(JSON.stringify(message)));
    } catch (error) {
      // A closed or draining connection: live data are a moment's, never queued for later.
      this.log(`live: a ${message.kind} message was not published to NATS: ${String(error)}`);
    }
  }

  subscribe(handler: (message: RelayMessage) => void): void {
    this.connection.subscribe(`${LIVE_SUBJECT_ROOT}.>`, {
      callback: (error, msg) => {
        if (error) {
          this.log(`live: NATS subscription failed: ${error.message}`);
          return;
        }
        const message = readRelayMessage(this.decoder.decode(msg.data));
        if (message) handler(message);
        else this.log(`live: a message on ${msg.subject} is not a relay message; ignored`);
      },
    });
  }

  async close(): Promise<void> {
    try {
      await this.connection.drain();
    } catch {
      await this.connection.close().catch(() => {});
    }
  }
}
