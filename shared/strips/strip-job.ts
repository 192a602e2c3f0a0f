// The messages between the main thread and the strip worker: a strip to make (what it shows, with
// its samples in typed arrays handed over, not copied by the structured clone) and the answers.
import type { StripInput, TraceSegment } from './strip-layout';
import type { StripPdfInfo } from './strip-pdf';

export interface StripJob {
  id: number;
  input: StripInput;
  info: StripPdfInfo;
}

export type StripWorkerMessage =
  /** Fonts read and the printing code warmed up: strips may be sent. */
  | { type: 'ready' }
  /** The worker cannot make strips (fonts missing); `error` is for a person. */
  | { type: 'startFailed'; error: string }
  | { type: 'pdf'; id: number; pdf: Uint8Array }
  | { type: 'failed'; id: number; error: string };

/**
 * The job with its samples in typed arrays of its own, and the buffers to transfer. The samples
 * are copied first (cheap next to the PDF): transferring the caller's arrays would empty them.
 */
export function stripJob(
  id: number,
  input: StripInput,
  info: StripPdfInfo,
): { job: StripJob; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const traces = input.traces.map((trace) => ({
    ...trace,
    segments: trace.segments.map((segment): TraceSegment => {
      const values = ownedSamples(segment.values);
      transfer.push(values.buffer);
      return { t0Ms: segment.t0Ms, values };
    }),
  }));
  return { job: { id, input: { ...input, traces }, info }, transfer };
}

function ownedSamples(
  values: ArrayLike<number>,
): Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> {
  return values instanceof Int32Array ? new Int32Array(values) : Float64Array.from(values);
}

/** The PDF bytes in a buffer of their own, so it can be transferred whole. */
export function ownedBytes(pdf: Uint8Array): Uint8Array<ArrayBuffer> {
  const own = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength;
  return own && pdf.buffer instanceof ArrayBuffer
    ? (pdf as Uint8Array<ArrayBuffer>)
    : new Uint8Array(pdf);
}
