// The simulated IntelliVue's message writer and the poll-result envelope that numerics and wave
// results share (layouts [VSCapture], as the driver reads them).

import {
  ACT_POLL_MDIB_DATA_EXT,
  CMD_CONFIRMED_ACTION,
  DATA_EXPORT_SESSION_ID,
  MDS_MANAGED_OBJECT,
  RO_LINKED_RESULT,
  RO_RESULT,
} from '../drivers/intellivue-attributes';

export class PduWriter {
  readonly #bytes: number[] = [];
  u16(value: number): this {
    this.#bytes.push((value >> 8) & 0xff, value & 0xff);
    return this;
  }
  u32(value: number): this {
    return this.u16((value >>> 16) & 0xffff).u16(value & 0xffff);
  }
  raw(bytes: Uint8Array): this {
    this.#bytes.push(...bytes);
    return this;
  }
  get length(): number {
    return this.#bytes.length;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/** A poll result (RORS, or linked RORLS when `linked` is given) around one context of objects. */
export function pollResultPdu(
  invokeId: number,
  linked: { linkedState: number; linkedCount: number } | null,
  pollNumber: number,
  sequence: number,
  relativeTime: number,
  objectClass: number,
  objectCount: number,
  polls: Uint8Array,
): Uint8Array {
  const context = new PduWriter().u16(0).u16(objectCount).u16(polls.length).raw(polls);
  const reply = new PduWriter()
    .u16(pollNumber)
    .u16(sequence)
    .u32(relativeTime)
    .raw(new Uint8Array(8).fill(0xff)) // absolute time not set
    .u16(0x0001)
    .u16(objectClass)
    .u16(0) // attribute group
    .u16(1)
    .u16(context.length)
    .raw(context.toBytes());
  const result = new PduWriter()
    .u16(invokeId)
    .u16(CMD_CONFIRMED_ACTION)
    .u16(10 + reply.length)
    .raw(MDS_MANAGED_OBJECT)
    .u16(ACT_POLL_MDIB_DATA_EXT)
    .u16(reply.length)
    .raw(reply.toBytes());
  const header = new PduWriter().u16(DATA_EXPORT_SESSION_ID).u16(0x0002);
  if (linked) {
    return header
      .u16(RO_LINKED_RESULT)
      .u16(2 + result.length)
      .raw(Uint8Array.of(linked.linkedState, linked.linkedCount))
      .raw(result.toBytes())
      .toBytes();
  }
  return header.u16(RO_RESULT).u16(result.length).raw(result.toBytes()).toBytes();
}
