// What the HTTP edge needs of the rest of the server: the database and its repositories' state.
import type { AdminToken } from '../admin-token';
import type { Database } from '../db/database';
import type { SyncedCatalog } from '../sync/catalog';
import type { WaveformPartitions } from '../sync/waveform-partitions';

export interface ServerContext {
  db: Database;
  catalog: SyncedCatalog;
  partitions: WaveformPartitions;
  adminToken: AdminToken;
  serverId: string;
  serverVersion: string;
  nowMs(): number;
  log(line: string): void;
}
