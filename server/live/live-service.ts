// The live relay as the server runs it: the relay's memory, its broker (NATS with `--nats`, none
// for one instance), the workstations' WebSocket door, and the check of their credentials against
// the workstations table.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Database } from '../db/database';
import { findWorkstationByCredential, noteSeen } from '../enrolment/registry';
import { LocalBroker, NatsBroker, type LiveBroker } from './broker';
import { LiveRelay } from './relay';
import {
  workstationSocketEndpoint,
  type AuthenticateWorkstation,
  type WorkstationSocketOptions,
} from './workstation-socket';

export interface LiveServiceOptions {
  authenticate: AuthenticateWorkstation;
  /** nats://host:port: share live data with the other instances. Absent: this instance alone. */
  natsUrl?: string;
  instanceId?: string;
  log?: (message: string) => void;
  /** Tuning for tests: heartbeats and presence, pings, rechecks, invalid-message budget. */
  heartbeatMs?: number;
  presenceTimeoutMs?: number;
  socket?: Pick<WorkstationSocketOptions, 'maxInvalidMessages' | 'recheckMs' | 'pingMs'>;
}

export interface LiveService {
  relay: LiveRelay;
  instanceId: string;
  /** Takes a WebSocket upgrade for the live path; false when the path is another's. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

export async function startLiveService(options: LiveServiceOptions): Promise<LiveService> {
  const log = options.log ?? ((message: string) => console.error(message));
  const instanceId = options.instanceId ?? randomUUID();
  const broker: LiveBroker = options.natsUrl
    ? await NatsBroker.connect(options.natsUrl, `central-live-${instanceId}`, log)
    : new LocalBroker();
  const relay = new LiveRelay({
    broker,
    instanceId,
    log,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.presenceTimeoutMs === undefined
      ? {}
      : { presenceTimeoutMs: options.presenceTimeoutMs }),
  }).start();
  const endpoint = workstationSocketEndpoint({
    relay,
    authenticate: options.authenticate,
    log,
    ...options.socket,
  });
  return {
    relay,
    instanceId,
    handleUpgrade: (req, socket, head) => endpoint.handleUpgrade(req, socket, head),
    async close() {
      endpoint.close();
      await relay.close();
      await broker.close();
    },
  };
}

/** Workstation credentials checked against the workstations table (SHA-256, not revoked). */
export function authenticateAgainst(db: Database): AuthenticateWorkstation {
  return async (credential) => {
    const found = await findWorkstationByCredential(db, credential);
    if (!found) {
      return {
        refused: 'unauthenticated',
        message:
          'The central server does not know this workstation’s credential: enrol the workstation again.',
      };
    }
    if (found.revoked) {
      return {
        refused: 'revoked',
        message:
          'This workstation was revoked on the central server: it keeps monitoring and keeps its data, but sends nothing. Ask IT.',
      };
    }
    void noteSeen(db, found.id).catch(() => {});
    return { workstationId: found.id, name: found.name, unit: found.unit };
  };
}
