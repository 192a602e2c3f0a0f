// ProtoCentral HealthyPi 5 (RP2040, Zephyr firmware) over USB CDC serial.
// Source of truth: ../shared/protocols/README.md §2a, from protocentral_healthypi5_zephyr
// app/src/data_module.c. Frame: 0A FA | len_lo len_hi | type | payload(len) | 00 0B, no checksum.

import type { DecodedFrame, Driver } from '../driver';
import {
  PROTOCENTRAL_FOOTER_BYTES,
  PROTOCENTRAL_HEADER_BYTES,
  ProtocentralFrameDecoder,
} from './protocentral-frames';

const HEADER_BYTES = PROTOCENTRAL_HEADER_BYTES;
const FOOTER_BYTES = PROTOCENTRAL_FOOTER_BYTES;

const TYPE_SAMPLE = 0x02;
const TYPE_OV3_ECG_BIOZ = 0x03;
const TYPE_OV3_PPG = 0x04;

/** The one payload length each frame type carries; any other length marks a broken frame. */
const PAYLOAD_BYTES_BY_TYPE: ReadonlyMap<number, number> = new Map([
  [TYPE_SAMPLE, 22],
  [TYPE_OV3_ECG_BIOZ, 50],
  [TYPE_OV3_PPG, 19],
]);
const MAX_FRAME_BYTES = HEADER_BYTES + Math.max(...PAYLOAD_BYTES_BY_TYPE.values()) + FOOTER_BYTES;

const BIOZ_REPEATED = 0xff;
const OV3_ECG_PER_FRAME = 8;
const OV3_BIOZ_PER_FRAME = 4;
const OV3_PPG_PER_FRAME = 8;

export const FLAG_TEMPERATURE_UNREADABLE = 'temperature-unreadable';

// Keys shared by the decoder, the descriptor and the simulator.
export const HPI5_ECG = 'MDC_ECG_ELEC_POTL';
export const HPI5_PPG_IR = 'MDC_PULS_OXIM_PLETH';
export const HPI5_PPG_RED = 'HPI5_PPG_RED';
export const HPI5_BIOZ = 'MDC_IMPED_TTHOR';

type Numerics = Record<string, number>;

// The firmware sends 0 while its algorithms have no reading yet, so 0 is "no value", not a vital.
function putHeartRate(numerics: Numerics, bpm: number): void {
  if (bpm !== 0) numerics.MDC_ECG_HEART_RATE = bpm;
}

function putSpo2(numerics: Numerics, percent: number): void {
  if (percent !== 0 && percent <= 100) numerics.MDC_PULS_OXIM_SAT_O2 = percent;
}

function int32Samples(view: DataView, at: number, count: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(view.getInt32(at + 4 * i, true));
  return samples;
}

function decodeSampleFrame(view: DataView, at: number): DecodedFrame {
  const biozRepeated = view.getUint8(at + 8) === BIOZ_REPEATED;
  const numerics: Numerics = {};
  putHeartRate(numerics, view.getUint8(at + 20));
  putSpo2(numerics, view.getUint8(at + 19));
  numerics.MDC_RESP_RATE = view.getUint8(at + 21);
  numerics.MDC_TEMP_BODY = view.getInt16(at + 17, true) / 100;
  return {
    samples: {
      [HPI5_ECG]: [view.getInt32(at, true)],
      [HPI5_PPG_IR]: [view.getInt32(at + 13, true)],
      [HPI5_PPG_RED]: [view.getInt32(at + 9, true)],
      // A repeated BioZ value is not a new sample: the channel runs at 64 Hz.
      [HPI5_BIOZ]: biozRepeated ? [] : [view.getInt32(at + 4, true)],
    },
    numerics,
    flags: [],
  };
}

function decodeOv3EcgBiozFrame(view: DataView, at: number): DecodedFrame {
  const biozAt = at + 4 * OV3_ECG_PER_FRAME;
  const ratesAt = biozAt + 4 * OV3_BIOZ_PER_FRAME;
  const numerics: Numerics = {};
  putHeartRate(numerics, view.getUint8(ratesAt));
  numerics.MDC_RESP_RATE = view.getUint8(ratesAt + 1);
  return {
    samples: {
      [HPI5_ECG]: int32Samples(view, at, OV3_ECG_PER_FRAME),
      [HPI5_BIOZ]: int32Samples(view, biozAt, OV3_BIOZ_PER_FRAME),
    },
    numerics,
    flags: [],
  };
}

function decodeOv3PpgFrame(view: DataView, at: number): DecodedFrame {
  const ppg: number[] = [];
  for (let i = 0; i < OV3_PPG_PER_FRAME; i++) ppg.push(view.getInt16(at + 2 * i, true));
  const numerics: Numerics = {};
  putSpo2(numerics, view.getUint8(at + 2 * OV3_PPG_PER_FRAME));
  // The firmware writes the temperature's high byte twice, so the low byte is lost: no value.
  // The firmware sizes this buffer with its IR constant; it does not name the LED otherwise.
  return { samples: { [HPI5_PPG_IR]: ppg }, numerics, flags: [FLAG_TEMPERATURE_UNREADABLE] };
}

function decodePayload(type: number, view: DataView, at: number): DecodedFrame {
  if (type === TYPE_OV3_ECG_BIOZ) return decodeOv3EcgBiozFrame(view, at);
  if (type === TYPE_OV3_PPG) return decodeOv3PpgFrame(view, at);
  return decodeSampleFrame(view, at);
}

export const HEALTHYPI5_MAX_FRAME_BYTES = MAX_FRAME_BYTES;

export const healthypi5: Driver = {
  descriptor: {
    id: 'healthypi5',
    displayName: 'ProtoCentral HealthyPi 5',
    deviceKind: 'ECG/SpO2 device',
    transport: 'serial',
    // USB CDC: the device ignores the baud rate; these settings only satisfy the port API.
    serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false },
    usb: [
      {
        vendorId: 0x2e8a,
        note: 'Raspberry Pi (RP2040) USB vendor id; the product id depends on the firmware build',
      },
      {
        vendorId: 0x4440,
        productId: 0x0001,
        note:
          'protocentral_healthypi5_zephyr app/prj.conf: CONFIG_USB_DEVICE_VID=4440 (a Kconfig hex ' +
          'symbol, so 0x4440) and CONFIG_USB_DEVICE_PID=0x0001; not confirmed on hardware',
      },
    ],
    channels: [
      {
        key: HPI5_ECG,
        label: 'ECG',
        unit: '{count}',
        rateHz: 128,
        scale: null,
        displayed: true,
      },
      {
        key: HPI5_PPG_IR,
        label: 'Pleth (IR)',
        unit: '{count}',
        rateHz: 128,
        scale: null,
        displayed: true,
      },
      {
        key: HPI5_PPG_RED,
        label: 'PPG red',
        unit: '{count}',
        rateHz: 128,
        scale: null,
        displayed: false,
      },
      {
        key: HPI5_BIOZ,
        label: 'Resp (BioZ)',
        unit: '{count}',
        rateHz: 64,
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
      'The scales of the ECG, respiration (BioZ) and PPG values are not public, so they are shown as raw counts, not millivolts or ohms.',
      'The device does not say which ECG lead it measures.',
      'Newer firmware can take the heart rate from the PPG instead of the ECG, and the data does not say which.',
      'While a Bluetooth LE client is connected the device streams over Bluetooth and the USB port goes silent.',
      'The device sends a heart rate or SpO2 of 0 while it has no reading; those values are left out.',
      'In the newer OV3 format the temperature bytes are garbled by the firmware, so no temperature is reported from it.',
    ],
  },
  createDecoder: () =>
    new ProtocentralFrameDecoder({
      payloadBytesByType: PAYLOAD_BYTES_BY_TYPE,
      decode: decodePayload,
    }),
  // The device streams on its own once USB is open: no start, keep-alive or stop command.
  commands: {},
};
