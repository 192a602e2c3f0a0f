// What every device simulator is: it writes the device's bytes, byte-exactly, paced like the
// device, and (for devices the host must command) reacts to the bytes the host sends it.
// Simulators are driven by an injected clock so tests can pace them exactly.

export interface SimulatedVitals {
  hr: number;
  spo2: number;
  rr: number;
  tempC: number;
}

export interface SimulatorOptions {
  /** Sends bytes to the host (one call per pacing tick). */
  write(bytes: Uint8Array): void;
  vitals: SimulatedVitals;
  /** Clock in ms; Date.now by default. */
  now?: () => number;
}

export interface DeviceSimulator {
  start(): void;
  stop(): void;
  setVitals(partial: Partial<SimulatedVitals>): void;
  /** Bytes the host wrote to the device (start commands, keep-alives, polls). */
  receive?(bytes: Uint8Array): void;
}
