// A byte pipe to a device. Serial ports implement it; tests and HID adapters can too.

export interface ByteTransport {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface TransportEvents {
  onData(bytes: Uint8Array, arrivalMs: number): void;
  /** The link is gone (cable pulled, port vanished, read error). Not called after our own close(). */
  onLost(reason: string): void;
}

export type OpenTransport = (path: string, events: TransportEvents) => Promise<ByteTransport>;
