// The worked examples of ../shared/protocols/README.md, one list per driver, each with exactly what
// it decodes to: every driver's first test, and the frames the conformance suite cuts, splits and
// hides in garbage. Where the notes give no device example (Datex, IntelliVue waves, the OV3 and
// disconnect packets) one is built by hand from the notes' tables, byte by byte. Test-only.
import type { DecodedFrame } from '../driver';
import { encodeDatexFrame } from '../drivers/datex-framing';
import { encodeIntellivueFrame } from '../drivers/intellivue-framing';
import { numericsPollResult } from '../simulators/intellivue';
import { hex } from './bytes';

export interface WorkedExample {
  name: string;
  /** The bytes on the wire, one whole frame (or line). */
  bytes: Uint8Array;
  /** What a fresh decoder makes of them. */
  frames: DecodedFrame[];
}

const reading = (
  samples: Record<string, number[]>,
  numerics: Record<string, number>,
  flags: string[] = [],
): DecodedFrame => ({ samples, numerics, flags });

// §2a, type 0x02.
export const HEALTHYPI5_EXAMPLE: WorkedExample = {
  name: '§2a type 0x02',
  bytes: hex(
    '0A FA 16 00 02 78 EC FF FF 20 4E 00 00 00 40 0D 03 00 50 34 03 00 42 0E 62 48 10 00 0B',
  ),
  frames: [
    reading(
      {
        MDC_ECG_ELEC_POTL: [-5000],
        MDC_PULS_OXIM_PLETH: [210000],
        HPI5_PPG_RED: [200000],
        MDC_IMPED_TTHOR: [20000],
      },
      {
        MDC_ECG_HEART_RATE: 72,
        MDC_PULS_OXIM_SAT_O2: 98,
        MDC_RESP_RATE: 16,
        MDC_TEMP_BODY: 36.5,
      },
    ),
  ],
};

// §2a "OV3": type 0x03 (8 ECG i32, 4 BioZ i32, HR, RR) and 0x04 (8 PPG i16, SpO2, the temperature
// high byte written twice), built from the notes' description.
const HEALTHYPI5_OV3_ECG = [-1, 2, -300000, 4, 5, 6, 7, 2147483647];
const HEALTHYPI5_OV3_PPG = [100, -100, 32767, -32768, 0, 1, 2, 3];
export const HEALTHYPI5_OV3_EXAMPLES: WorkedExample[] = [
  {
    name: 'OV3 type 0x03',
    bytes: hex(
      '0A FA 32 00 03 FF FF FF FF 02 00 00 00 20 6C FB FF 04 00 00 00 05 00 00 00 06 00 00 00 ' +
        '07 00 00 00 FF FF FF 7F 0A 00 00 00 EC FF FF FF 1E 00 00 00 D8 FF FF FF 4B 12 00 0B',
    ),
    frames: [
      reading(
        { MDC_ECG_ELEC_POTL: HEALTHYPI5_OV3_ECG, MDC_IMPED_TTHOR: [10, -20, 30, -40] },
        { MDC_ECG_HEART_RATE: 75, MDC_RESP_RATE: 18 },
      ),
    ],
  },
  {
    name: 'OV3 type 0x04',
    bytes: hex('0A FA 13 00 04 64 00 9C FF FF 7F 00 80 00 00 01 00 02 00 03 00 60 0E 0E 00 0B'),
    frames: [
      reading({ MDC_PULS_OXIM_PLETH: HEALTHYPI5_OV3_PPG }, { MDC_PULS_OXIM_SAT_O2: 96 }, [
        'temperature-unreadable',
      ]),
    ],
  },
];

// §2b.
export const HEALTHYPI4_EXAMPLE: WorkedExample = {
  name: '§2b',
  bytes: hex('0A FA 14 00 02 50 FB 5E 01 40 E2 01 00 CD 81 01 00 42 0E 10 62 48 50 78 C0 00 0B'),
  frames: [
    reading(
      {
        MDC_ECG_ELEC_POTL: [-1200],
        MDC_IMPED_TTHOR: [350],
        MDC_PULS_OXIM_PLETH: [123456],
        HPI4_PPG_RED: [98765],
      },
      { MDC_TEMP_BODY: 36.5, MDC_RESP_RATE: 16, MDC_PULS_OXIM_SAT_O2: 98, MDC_ECG_HEART_RATE: 72 },
      // The status byte's bit meaning is not in the notes: passed on raw.
      ['lead-off-status:c0'],
    ),
  ],
};

// §1a and §1b, and a v7 packet of type 0x0D (the device disconnecting) from §1b's framing.
export const CMS50_V5_EXAMPLE: WorkedExample = {
  name: '§1a',
  bytes: hex('C5 3A 06 48 62'),
  frames: [
    reading(
      { MDC_PULS_OXIM_PLETH: [58] },
      { MDC_PULS_OXIM_SAT_O2: 98, MDC_PULS_OXIM_PULS_RATE: 72 },
    ),
  ],
};
export const CMS50_V7_EXAMPLE: WorkedExample = {
  name: '§1b realtime',
  bytes: hex('01 A0 C5 BA 96 C8 E2 C8 80'),
  frames: [
    reading(
      { MDC_PULS_OXIM_PLETH: [58] },
      { MDC_PULS_OXIM_SAT_O2: 98, MDC_PULS_OXIM_PULS_RATE: 72, CMS50_PI_RAW: 200 },
    ),
  ],
};
export const CMS50_V7_DISCONNECTING: WorkedExample = {
  name: '§1b type 0x0D',
  bytes: hex('0D 80 80 80 80 80 80 80 80'),
  frames: [reading({}, {}, ['device-disconnecting'])],
};

// §3, with the CR LF that ends every line.
export const MASIMO_EXAMPLE_LINE =
  '12/01/05 11:56:29 SN=0123456789 SPO2=098% BPM=240 PI=20.00% SPCO=01.0% SPMET=00.5% ' +
  'DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000820';
export const MASIMO_EXAMPLE: WorkedExample = {
  name: '§3',
  bytes: new TextEncoder().encode(`${MASIMO_EXAMPLE_LINE}\r\n`),
  frames: [
    reading(
      {},
      {
        MDC_PULS_OXIM_SAT_O2: 98,
        MDC_PULS_OXIM_PULS_RATE: 240,
        MDC_PULS_OXIM_PERF_REL: 20,
        MASIMO_SPCO: 1,
        MASIMO_SPMET: 0.5,
        MASIMO_PVI: 27,
      },
      // EXC 0x820 = SET active (normal, no flag) + sensor off.
      ['sensor-off'],
    ),
  ],
};

// §4: one frame of each format (formats 2 and 7 report numerics only once a packet is whole).
export const NONIN_2_EXAMPLE: WorkedExample = {
  name: '§4 format 2',
  bytes: hex('01 80 49 00 CA'),
  frames: [reading({ MDC_PULS_OXIM_PLETH: [73] }, {})],
};
export const NONIN_7_EXAMPLE: WorkedExample = {
  name: '§4 format 7',
  bytes: hex('81 12 34 00 C7'),
  frames: [reading({ MDC_PULS_OXIM_PLETH: [0x1234] }, {})],
};
export const NONIN_8_EXAMPLE: WorkedExample = {
  name: '§4 format 8',
  bytes: hex('80 48 61 00'),
  frames: [reading({}, { MDC_PULS_OXIM_PULS_RATE: 72, MDC_PULS_OXIM_SAT_O2: 97 })],
};

// §8.
export const OPENBCI_EXAMPLE: WorkedExample = {
  name: '§8',
  bytes: hex(
    'A0 2A 00 03 E8 FF FC 18 00 00 00 7F FF FF 80 00 00 00 00 2C FF FF D4 01 E2 40 00 00 00 00 20 00 C0',
  ),
  frames: [
    reading(
      {
        OPENBCI_CH1: [1000],
        OPENBCI_CH2: [-1000],
        OPENBCI_CH3: [0],
        OPENBCI_CH4: [8388607],
        OPENBCI_CH5: [-8388608],
        OPENBCI_CH6: [44],
        OPENBCI_CH7: [-44],
        OPENBCI_CH8: [123456],
        OPENBCI_ACCEL_X: [0],
        OPENBCI_ACCEL_Y: [0],
        OPENBCI_ACCEL_Z: [8192],
      },
      {},
    ),
  ],
};

// §5: the notes' numeric attribute `09 50 00 0A 4B B8 00 00 02 20 00 00 00 62` in a poll result.
export const INTELLIVUE_NUMERICS_EXAMPLE: WorkedExample = {
  name: '§5 attribute 0x0950',
  bytes: encodeIntellivueFrame(
    numericsPollResult(1, 1, 0, [{ physioId: 0x4bb8, unitCode: 0x0220, value: 0x62 }]),
  ),
  frames: [reading({}, { MDC_PULS_OXIM_SAT_O2: 98 })],
};

// A wave poll result built by hand from VSCaptureMP's PDU layouts (header, linked result, poll reply,
// attribute list) and the sample-array attributes: one ECG II object with its full context.
export const INTELLIVUE_WAVE_REPLY = hex(
  [
    'E1 00', // session id (data export)
    '00 02', // presentation context id
    '00 05', // RORLS: linked result
    '00 6C', // length: 108 bytes follow
    '01 01', // linked id: state 1 (first), count 1
    '00 01', // invoke id
    '00 07', // confirmed action
    '00 64', // length: 100
    '00 21 00 00 00 00', // managed object: the MDS
    'F1 3B', // action: extended poll
    '00 5A', // length: 90
    '00 02', // poll number
    '00 00', // sequence number
    '00 00 1F 40', // relative time 8000 × 1/8 ms = 1 s
    'FF FF FF FF FF FF FF FF', // absolute time not set
    '00 01 00 09', // polled type: partition 1, class 0x0009 (real-time sample array)
    '00 00', // attribute group
    '00 01 00 40', // one context, 64 bytes
    '00 00', // context id
    '00 01 00 3A', // one object, 58 bytes
    '00 10', // object handle 0x0010
    '00 04 00 34', // four attributes, 52 bytes
    // 0x096D sample array spec: 4 samples of 16 bits, 14 significant, flags 0x3000
    '09 6D 00 06 00 04 10 0E 30 00',
    // 0x096F scale: FLOAT 0 .. FLOAT 1 (mV) over scaled 8192 .. 8392
    '09 6F 00 0C 00 00 00 00 00 00 00 01 20 00 20 C8',
    // 0x098D sample period: 16 × 1/8 ms = 2 ms, 500 Hz
    '09 8D 00 04 00 00 00 10',
    // 0x096E observed value: ECG II (0x0102), state 0, 8 bytes of samples
    '09 6E 00 0E 01 02 00 00 00 08',
    // 8192 → 0, 8392 → 1, 8092 → −0.5, 0xE064 less its two mark bits = 8292 → 0.5
    '20 00 20 C8 1F 9C E0 64',
  ].join(' '),
);
export const INTELLIVUE_WAVE_EXAMPLE: WorkedExample = {
  name: 'wave poll result',
  bytes: encodeIntellivueFrame(INTELLIVUE_WAVE_REPLY),
  frames: [reading({ MDC_ECG_ELEC_POTL_II: [0, 1000, -500, 500] }, {})], // µV
};

// §6: a displayed-values reply, its 40-byte header and 278-byte subrecords written from the notes'
// offsets (values counted after the u32 time; class in bits 8–11 of the trailing word).
export interface DatexReplySubrecord {
  /** Descriptor type: 1 displayed, 2/3 trends. */
  type?: number;
  /** Class in bits 8–11 of the trailing word; basic = 0. */
  phdbClass?: number;
  /** Offsets in the basic class, counted from after the u32 time. */
  values: Record<number, number>;
}

/** A displayed-values reply record (unframed). */
export function datexReplyRecord(subrecords: DatexReplySubrecord[]): Uint8Array {
  const subBytes = 4 + 270 + 4;
  const record = new Uint8Array(40 + subrecords.length * subBytes);
  const view = new DataView(record.buffer);
  view.setInt16(0, record.length, true);
  record[3] = 0x09;
  view.setInt16(14, 0, true); // main type: physiological
  subrecords.forEach((sub, i) => {
    view.setInt16(16 + 3 * i, i * subBytes, true);
    record[16 + 3 * i + 2] = sub.type ?? 1;
    const start = 40 + i * subBytes;
    view.setUint32(start, 1_700_000_000, true);
    for (let at = 0; at < 270; at += 2) view.setInt16(start + 4 + at, -32767, true);
    for (const [offset, value] of Object.entries(sub.values)) {
      view.setInt16(start + 4 + Number(offset), value, true);
    }
    view.setUint16(start + 276, ((sub.phdbClass ?? 0) << 8) | 1, true);
  });
  record[16 + 3 * subrecords.length + 2] = 0xff;
  return record;
}

/** Typical basic-class values at their offsets, raw as the monitor sends them. */
export const DATEX_TYPICAL_VALUES = {
  6: 72, // HR
  78: 12000, // NIBP sys ×0.01
  80: 8000,
  82: 9300,
  92: 3650, // T1 ×0.01 °C
  124: 9800, // SpO2 ×0.01 %
  126: 71, // pulse rate
  138: 500, // EtCO2 5.00 %
  144: 7600, // ambient pressure, 760.0 mmHg
};

export const DATEX_TYPICAL_NUMERICS = {
  MDC_ECG_HEART_RATE: 72,
  MDC_PRESS_BLD_NONINV_SYS: 120,
  MDC_PRESS_BLD_NONINV_DIA: 80,
  MDC_PRESS_BLD_NONINV_MEAN: 93,
  MDC_TEMP_BODY: 36.5,
  MDC_PULS_OXIM_SAT_O2: 98,
  MDC_PULS_OXIM_PULS_RATE: 71,
  MDC_AWAY_CO2_ET: 38,
};

export const DATEX_EXAMPLE: WorkedExample = {
  name: '§6 displayed values',
  bytes: encodeDatexFrame(datexReplyRecord([{ values: DATEX_TYPICAL_VALUES }])),
  frames: [reading({}, DATEX_TYPICAL_NUMERICS)],
};

/** Every driver's worked examples, by driver id. */
export const WORKED_EXAMPLES: Readonly<Record<string, readonly WorkedExample[]>> = {
  healthypi5: [HEALTHYPI5_EXAMPLE, ...HEALTHYPI5_OV3_EXAMPLES],
  healthypi4: [HEALTHYPI4_EXAMPLE],
  'cms50-v7': [CMS50_V7_EXAMPLE, CMS50_V7_DISCONNECTING],
  'cms50-v5': [CMS50_V5_EXAMPLE],
  'masimo-ascii': [MASIMO_EXAMPLE],
  'nonin-2': [NONIN_2_EXAMPLE],
  'nonin-7': [NONIN_7_EXAMPLE],
  'nonin-8': [NONIN_8_EXAMPLE],
  'openbci-cyton': [OPENBCI_EXAMPLE],
  'intellivue-mib': [INTELLIVUE_NUMERICS_EXAMPLE, INTELLIVUE_WAVE_EXAMPLE],
  'datex-s5': [DATEX_EXAMPLE],
};
