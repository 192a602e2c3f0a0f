// The words of the devices view (part of strings.ts: every sentence a person reads, in one place).
export const devicesStrings = {
  title: 'Devices',
  summary: (total: number, connected: number) =>
    total === 0
      ? 'No device is connected to this workstation.'
      : `${total} device${total === 1 ? '' : 's'}, ${connected} connected`,
  tableCaption: 'Every device on this workstation, by bed',
  columns: {
    device: 'Device',
    port: 'Port',
    bed: 'Bed',
    state: 'State',
    frames: 'Frames ok / bad',
    skipped: 'Bytes skipped',
    lastFrame: 'Last frame',
    problem: 'Problem',
    actions: 'Actions',
  },
  unknownBed: (bedId: string) => `${bedId} (no longer a bed)`,
  badShare: (percent: string) => `${percent} % bad`,
  skippedRate: (perS: string) => `${perS} B/s over the last 10 s`,
  lastFrameAgo: (seconds: number) =>
    seconds < 10
      ? `${seconds.toFixed(1)} s ago`
      : seconds < 120
        ? `${Math.round(seconds)} s ago`
        : `${Math.floor(seconds / 60)} min ago`,
  noFrameYet: 'none yet',
  noProblem: '—',
  rawCapture: 'Raw capture…',
  disconnect: 'Disconnect…',
  confirmDisconnect: 'Disconnect: its alarms stop',
  cancel: 'Cancel',
  disconnectFailed: (reason: string) => `The device could not be disconnected: ${reason}`,
  statusFailed: (reason: string) =>
    `The device list could not be refreshed (${reason}); what is shown may be out of date.`,
  capture: {
    title: (device: string) => `Raw capture: ${device}`,
    explanation:
      'Records the bytes the device sends, exactly as they arrive, for re-decoding or a bug report. The device keeps working meanwhile.',
    seconds: 'Seconds to record',
    start: 'Start capture',
    recording: (seconds: number) => `Recording ${seconds} s of raw bytes…`,
    close: 'Close',
    result: (bytes: number, seconds: number) =>
      `${bytes.toLocaleString('en')} bytes in ${seconds.toFixed(1)} s.`,
    lost: (bytes: number) =>
      `${bytes.toLocaleString('en')} earlier bytes of that time no longer fitted in the 1 MiB kept.`,
    empty:
      'No byte arrived in that time: the device is silent. Check that it is switched on and its cable is in.',
    download: (fileName: string) => `Download ${fileName}`,
    decodeHint: 'To decode it on any workstation:',
    failed: (reason: string) => `The raw capture did not complete: ${reason}`,
  },
  connectTitle: 'Connect a device to a bed',
  connectHint:
    'To move a device to another bed, disconnect it above, then connect its port to the new bed here.',
};
