// The contract's strips requests: print a manual strip (20 s ending now or at a chosen time), list a
// bed's strips, and fetch one with its PDF. Automatic alarm strips are made by strips/alarm-strips.
import { MANUAL_STRIP_S, type StripMetadata } from '../../../shared/api/contract-strips';
import { ApiError } from '../../../shared/api/errors';
import type { Numeric } from '../../../shared/model/schemas';
import type { BedState } from '../beds';
import type { Store, StoredStrip } from '../store/client';
import {
  printStrip,
  stripPatientOf,
  type StripPatient,
  type StripStore,
} from '../strips/strip-printer';
import type { RenderStripPdf } from '../strips/strip-render';
import type { ApiHandlers } from './router';

type StripRequests = Pick<ApiHandlers['requests'], 'printStrip' | 'listStrips' | 'getStrip'>;

/** What a strip needs to know of a bed; null when this workstation has no such bed. */
export interface StripBed {
  label: string;
  patient: StripPatient | null;
  numerics: Readonly<Record<string, Numeric>>;
}

export function stripHandlers(
  store: StripStore,
  bedOf: (bedId: string) => Promise<StripBed | null>,
  /** Makes the PDF off the main thread (the workstation's strip worker). */
  render: RenderStripPdf,
  now: () => number = Date.now,
): StripRequests {
  const printer = { store, render };
  const bedOrThrow = async (bedId: string) => {
    const bed = await bedOf(bedId);
    if (!bed) throw new ApiError('not_found', `There is no bed "${bedId}" on this workstation.`);
    return bed;
  };

  return {
    printStrip: async ({ bedId, endMs }, caller) => {
      const bed = await bedOrThrow(bedId);
      const createdAtMs = now();
      if (endMs !== undefined && endMs > createdAtMs + 1000) {
        throw new ApiError(
          'invalid_request',
          'A strip cannot end in the future; choose a time up to now.',
        );
      }
      const toMs = Math.min(endMs ?? createdAtMs, createdAtMs);
      const strip = await printStrip(printer, {
        bedId,
        bedLabel: bed.label,
        patient: bed.patient,
        kind: 'manual',
        alarmId: null,
        alarmMessage: null,
        eventMs: null,
        fromMs: toMs - MANUAL_STRIP_S * 1000,
        toMs,
        actor: caller.actor,
        // The numerics of now; a strip of an earlier time prints the bed's current values only
        // when it ends within the last minute.
        numerics: createdAtMs - toMs <= 60_000 ? bed.numerics : {},
        createdAtMs,
      });
      // Only an alarm strip can be refused as a duplicate.
      return metadataOf(strip!);
    },

    listStrips: async ({ bedId }) => {
      await bedOrThrow(bedId);
      return (await store.listStrips(bedId)).map(metadataOf);
    },

    getStrip: async ({ id }) => {
      const strip = await store.readStrip(id);
      if (!strip) {
        throw new ApiError('not_found', 'That strip does not exist on this workstation.');
      }
      const { pdf, ...metadata } = strip;
      return { metadata: metadataOf(metadata), pdfBase64: Buffer.from(pdf).toString('base64') };
    },
  };
}

/** A live bed, or a bed known only from the store (an imported record), printed under its id. */
export function stripBedOf(
  beds: ReadonlyMap<string, BedState>,
  store: Pick<Store, 'readChannels'>,
): (bedId: string) => Promise<StripBed | null> {
  return async (bedId) => {
    const bed = beds.get(bedId);
    if (bed) {
      return {
        label: bed.label,
        patient: stripPatientOf(bed),
        numerics: Object.fromEntries(bed.numerics),
      };
    }
    const stored = await store.readChannels(bedId);
    return stored.length > 0 ? { label: bedId, patient: null, numerics: {} } : null;
  };
}

function metadataOf(strip: StoredStrip): StripMetadata {
  return {
    id: strip.id,
    bedId: strip.bedId,
    kind: strip.kind,
    alarmId: strip.alarmId,
    alarmMessage: strip.alarmMessage,
    fromMs: strip.fromMs,
    toMs: strip.toMs,
    createdAtMs: strip.createdAtMs,
    actor: strip.actor,
  };
}
