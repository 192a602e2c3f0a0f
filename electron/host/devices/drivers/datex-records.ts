// GE Datex-Ohmeda S/5 record layout (../shared/protocols/README.md §6): the 40-byte header with its
// main type and subrecord descriptors, built for requests and read for what the monitor sends.

import { DATEX_HEADER_BYTES } from './datex-framing';

export const DATEX_MAIN_TYPE_PHYSIOLOGICAL = 0;
export const DATEX_MAIN_TYPE_WAVES = 1;
/** Interface level byte for "2005", as in the spec's request example. */
export const DATEX_LEVEL_2005 = 0x09;
export const DATEX_DESCRIPTOR_LIST_END = 0xff;
const DESCRIPTOR_COUNT = 8;
const DESCRIPTOR_BYTES = 3;

/** Raw values below this are the monitor's "no data / not updated / …" markers. */
export const DATEX_INVALID_LIMIT = -32001;

export interface DatexSubrecord {
  type: number;
  body: Uint8Array;
}

export interface DatexRecordOptions {
  mainType: number;
  subrecords: readonly DatexSubrecord[];
  recordNumber?: number;
  /** Unix seconds; requests send 0. */
  timeS?: number;
}

/** Builds one unframed record: the 40-byte header, then the subrecord bodies back to back. */
export function buildDatexRecord(options: DatexRecordOptions): Uint8Array {
  const bodyBytes = options.subrecords.reduce((sum, sub) => sum + sub.body.length, 0);
  const record = new Uint8Array(DATEX_HEADER_BYTES + bodyBytes);
  const view = new DataView(record.buffer);
  view.setInt16(0, record.length, true);
  record[2] = (options.recordNumber ?? 0) & 0xff;
  record[3] = DATEX_LEVEL_2005;
  view.setUint32(6, options.timeS ?? 0, true);
  view.setInt16(14, options.mainType, true);
  let offset = 0;
  options.subrecords.slice(0, DESCRIPTOR_COUNT - 1).forEach((sub, i) => {
    const at = 16 + i * DESCRIPTOR_BYTES;
    view.setInt16(at, offset, true);
    record[at + 2] = sub.type;
    record.set(sub.body, DATEX_HEADER_BYTES + offset);
    offset += sub.body.length;
  });
  // The list ends with {offset 0, type FF}, as in the spec's request example.
  record[16 + Math.min(options.subrecords.length, DESCRIPTOR_COUNT - 1) * 3 + 2] =
    DATEX_DESCRIPTOR_LIST_END;
  return record;
}

interface Descriptor {
  offset: number;
  type: number;
}

/** The subrecord descriptors up to the FF end marker. */
export function readDatexDescriptors(record: Uint8Array): Descriptor[] {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const descriptors: Descriptor[] = [];
  for (let i = 0; i < DESCRIPTOR_COUNT; i++) {
    const at = 16 + i * DESCRIPTOR_BYTES;
    const type = record[at + 2] ?? DATEX_DESCRIPTOR_LIST_END;
    if (type === DATEX_DESCRIPTOR_LIST_END) break;
    descriptors.push({ offset: view.getInt16(at, true), type });
  }
  return descriptors;
}
