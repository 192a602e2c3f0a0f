// What every device driver is: a descriptor (what the device is and produces), a streaming decoder
// (bytes in, frames out) and the commands the host sends it. Drivers are pure: no ports, no timers.

export interface SerialSettings {
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
  rtscts: boolean;
}

export interface UsbMatch {
  vendorId: number;
  productId?: number;
  /** Why this id belongs here (chip or vendor), for the person reading the manifest. */
  note: string;
}

export interface ChannelSpec {
  /** MDC reference id, or a driver-prefixed key for a signal the nomenclature has no term for. */
  key: string;
  label: string;
  /** UCUM unit of the raw values; `{count}` when the device's scale is not public. */
  unit: string;
  rateHz: number;
  /** Physical units per raw count, or null when the public material does not give it. */
  scale: number | null;
  /** Shown on screen by default (a device may also produce channels only kept on disk). */
  displayed: boolean;
}

export interface NumericSpec {
  refId: string;
  unit: string;
}

export interface DriverDescriptor {
  id: string;
  displayName: string;
  /** What kind of device, in the words of an alarm message: "ECG/SpO2 device". */
  deviceKind: string;
  transport: 'serial' | 'hid';
  serial?: SerialSettings;
  usb: UsbMatch[];
  channels: ChannelSpec[];
  numerics: NumericSpec[];
  /** Facts the public material leaves open, stated plainly. */
  caveats: string[];
  /**
   * Silence longer than this means the device stopped (default 2000 ms). Devices that report
   * once every few seconds (polled monitors) need longer, or every gap would look like a fault.
   */
  staleAfterMs?: number;
}

export interface DecodedFrame {
  /** Raw waveform values per channel key, exactly as the device sent them. */
  samples: Record<string, number[]>;
  /** Numerics per MDC reference id, in the unit the descriptor gives. */
  numerics: Record<string, number>;
  /** Technical states the frame reports (lead off, sensor off, …). */
  flags: string[];
}

export interface DecoderStats {
  framesOk: number;
  framesBad: number;
  /** Bytes thrown away while looking for the next frame (garbage, debug text, broken frames). */
  bytesSkipped: number;
}

/** Streaming decoder: accepts any chunking of the byte stream, resyncs on garbage, never throws. */
export interface FrameDecoder {
  push(bytes: Uint8Array): DecodedFrame[];
  readonly stats: Readonly<DecoderStats>;
  /**
   * Bytes held for a frame not yet complete (after unescaping, where the protocol escapes): never
   * more than the protocol's longest frame, whatever arrives, so memory stays bounded.
   */
  readonly pendingBytes: number;
  /** Polled protocols: bytes the host must send now in answer to what was decoded (in order). */
  takeReplies?(): Uint8Array[];
}

export interface DeviceCommands {
  start?: Uint8Array;
  /**
   * A device switched on after its cable was connected, or one that restarted, waits for the
   * host's start: while no frame has come for `afterSilenceMs` (the protocol's pace), the session
   * sends `bytes` (the start command unless given) again, once per `afterSilenceMs`.
   */
  startAgain?: { afterSilenceMs: number; bytes?: Uint8Array };
  keepAlive?: { bytes: Uint8Array; everyMs: number };
  stop?: Uint8Array;
}

export interface Driver {
  descriptor: DriverDescriptor;
  createDecoder(): FrameDecoder;
  commands: DeviceCommands;
}
