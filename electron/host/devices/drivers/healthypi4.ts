// ProtoCentral HealthyPi v4 (ESP32) over its USB-serial port, 115200 8N1.
// Source of truth: ../shared/protocols/README.md §2b. Frame: 0A FA | len_lo len_hi | type |
// payload(len) | 00 0B, no checksum — the HealthyPi 5 framing, with one type-0x02 layout of 20 bytes.

import type { DecodedFrame, Driver } from '../driver';
import {
  PROTOCENTRAL_FOOTER_BYTES,
  PROTOCENTRAL_HEADER_BYTES,
  ProtocentralFrameDecoder,
} from './protocentral-frames';

const HEADER_BYTES = PROTOCENTRAL_HEADER_BYTES;
const FOOTER_BYTES = PROTOCENTRAL_FOOTER_BYTES;

const TYPE_SAMPLE = 0x02;
const PAYLOAD_BYTES = 20;
const FRAME_BYTES = HEADER_BYTES + PAYLOAD_BYTES + FOOTER_BYTES;

/** Prefix of the flag carrying a non-zero ADS1292R status byte, e.g. `lead-off-status:c0`. */
export const FLAG_LEAD_OFF_STATUS_PREFIX = 'lead-off-status:';

// Keys shared by the decoder, the descriptor and the simulator.
export const HPI4_ECG = 'MDC_ECG_ELEC_POTL';
export const HPI4_RESP = 'MDC_IMPED_TTHOR';
export const HPI4_PPG_IR = 'MDC_PULS_OXIM_PLETH';
export const HPI4_PPG_RED = 'HPI4_PPG_RED';

function decodeSampleFrame(view: DataView, at: number): DecodedFrame {
  const numerics: Record<string, number> = {};
  numerics.MDC_TEMP_BODY = view.getUint16(at + 12, true) / 100;
  numerics.MDC_RESP_RATE = view.getUint8(at + 14);
  // As on the HealthyPi 5, 0 means "no reading yet", and SpO2 above 100 % is not a reading.
  const spo2 = view.getUint8(at + 15);
  if (spo2 !== 0 && spo2 <= 100) numerics.MDC_PULS_OXIM_SAT_O2 = spo2;
  const hr = view.getUint8(at + 16);
  if (hr !== 0) numerics.MDC_ECG_HEART_RATE = hr;
  // Bytes 17–18 are constants (80, 120) and carry nothing.
  // The spec names byte 19 "ADS1292R status (lead-off bits)" without saying which bit is which,
  // so any non-zero value is passed on raw rather than read as a lead-off.
  const status = view.getUint8(at + 19);
  const flags =
    status === 0 ? [] : [FLAG_LEAD_OFF_STATUS_PREFIX + status.toString(16).padStart(2, '0')];
  return {
    samples: {
      [HPI4_ECG]: [view.getInt16(at, true)],
      [HPI4_RESP]: [view.getInt16(at + 2, true)],
      [HPI4_PPG_IR]: [view.getInt32(at + 4, true)],
      [HPI4_PPG_RED]: [view.getInt32(at + 8, true)],
    },
    numerics,
    flags,
  };
}

export const HEALTHYPI4_FRAME_BYTES = FRAME_BYTES;

export const healthypi4: Driver = {
  descriptor: {
    id: 'healthypi4',
    displayName: 'ProtoCentral HealthyPi v4',
    deviceKind: 'ECG/SpO2 device',
    transport: 'serial',
    serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false },
    // The protocol notes do not name the board's USB-serial chip, so no id is matched.
    usb: [],
    channels: [
      { key: HPI4_ECG, label: 'ECG', unit: '{count}', rateHz: 125, scale: null, displayed: true },
      {
        key: HPI4_PPG_IR,
        label: 'Pleth (IR)',
        unit: '{count}',
        rateHz: 125,
        scale: null,
        displayed: true,
      },
      {
        key: HPI4_PPG_RED,
        label: 'PPG red',
        unit: '{count}',
        rateHz: 125,
        scale: null,
        displayed: false,
      },
      {
        key: HPI4_RESP,
        label: 'Resp (impedance)',
        unit: '{count}',
        rateHz: 125,
        scale: null,
        displayed: true,
      },
    ],
    numerics: [
      { refId: 'MDC_ECG_HEART_RATE', unit: '/min' },
      { refId: 'MDC_PULS_OXIM_SAT_O2', unit: '%' },
      { refId: 'MDC_RESP_RATE', unit: '/min' },
      { refId: 'MDC_TEMP_BODY', unit: 'Cel' },
    ],
    caveats: [
      'The scales of the ECG, respiration and PPG values are not public, so they are shown as raw counts, not millivolts or ohms.',
      'The ECG the device sends is already filtered by its firmware; it does not say which lead it measures.',
      'The device streams only in the mode its slide switch selected at boot; in another mode the port stays silent here.',
      'The USB-serial chip on the ESP32 board is not named in the protocol notes, so the device is not recognised by its USB id and must be picked by port.',
      'The temperature is updated only every 10 s.',
      'The lead-off bits of the ADS1292R status byte are not documented in the protocol notes, so any non-zero status is reported raw as "lead-off-status:<hex>", not as a lead-off. The worked example carries C0, which may be a status header rather than a lead-off.',
      'A heart rate or SpO2 of 0 is taken to mean "no reading" and left out, as on the HealthyPi 5; the v4 notes do not say so.',
    ],
  },
  createDecoder: () =>
    new ProtocentralFrameDecoder({
      payloadBytesByType: new Map([[TYPE_SAMPLE, PAYLOAD_BYTES]]),
      decode: (_type, view, at) => decodeSampleFrame(view, at),
    }),
  // No host commands: the device streams on its own.
  commands: {},
};
