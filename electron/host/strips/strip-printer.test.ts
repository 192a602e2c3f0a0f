// Printing a strip from what the store holds: the PDF the strip worker made with the bundled fonts
// is what is saved, and when it cannot be made (the fonts cannot be read, the worker died making
// it) the nurse is told why in words (not "Internal error"), and nothing half-made is saved. The
// store is a stand-in holding one ECG segment (the real store is exercised by
// test/integration/strips.test.ts), and so is the renderer that fails.
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { StripToStore } from '../store/protocol';
import { printStrip, type StripRequest, type StripStore } from './strip-printer';
import { StripRenderer } from './strip-renderer';
import { StripInterruptedError, wasInterrupted } from './strip-interrupted';
import type { RenderStripPdf } from './strip-render';

const FROM = Date.UTC(2026, 10, 21, 7, 5, 0);

function standInStore(saved: StripToStore[]): StripStore {
  return {
    flush: async () => {},
    readChannels: async () => [
      {
        bedId: 'bed-4',
        deviceId: 'dev-1',
        channel: 'ECG_II',
        label: 'ECG II',
        unit: 'mV',
        scale: 0.005,
        rateHz: 250,
      },
    ],
    readWaveformWindow: async () => [
      {
        deviceId: 'dev-1',
        channel: 'ECG_II',
        rateHz: 250,
        t0Ms: FROM,
        values: Int32Array.from({ length: 5000 }, (_, k) => (k % 250 < 5 ? 200 : 0)),
      },
    ],
    saveStrip: async (strip: StripToStore) => {
      saved.push(strip);
      return { ...strip, id: 'strip-1' };
    },
    listStrips: async () => [],
    readStrip: async () => null,
  } as unknown as StripStore;
}

const request: StripRequest = {
  bedId: 'bed-4',
  bedLabel: 'Bed 4',
  patient: { name: 'Ковалёва, Đặng 王', mrn: 'MRN-0001' },
  kind: 'manual',
  alarmId: null,
  alarmMessage: null,
  eventMs: null,
  fromMs: FROM,
  toMs: FROM + 20_000,
  actor: 'nurse.test',
  numerics: {},
  createdAtMs: FROM + 20_000,
  timeZone: 'UTC',
};

const renderer = new StripRenderer();
afterAll(() => renderer.stop());

describe('printStrip', () => {
  it('saves the PDF the strip worker made', async () => {
    const saved: StripToStore[] = [];
    const strip = await printStrip(
      { store: standInStore(saved), render: renderer.render },
      request,
    );
    expect(strip?.id).toBe('strip-1');
    expect(saved).toHaveLength(1);
    expect(Buffer.from(saved[0]!.pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  });

  it('says in words why a strip cannot be printed when the fonts are missing', async () => {
    const saved: StripToStore[] = [];
    const missing: RenderStripPdf = async () => {
      throw new Error(
        'The fonts for printing strips (resources/fonts) are missing from this installation: reinstall the workstation.',
      );
    };
    const refusal = await printStrip(
      { store: standInStore(saved), render: missing },
      request,
    ).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).message).toBe(
      'The strip could not be printed. The fonts for printing strips (resources/fonts) are missing ' +
        'from this installation: reinstall the workstation.',
    );
    expect(saved).toHaveLength(0);
  });

  it('says in words that a strip lost with the strip worker must be printed again', async () => {
    const saved: StripToStore[] = [];
    const dying: RenderStripPdf = () => Promise.reject(new StripInterruptedError());
    const refusal = await printStrip({ store: standInStore(saved), render: dying }, request).catch(
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).message).toBe(
      'The strip could not be printed. The strip printer stopped while making it; print the strip again.',
    );
    // What the alarm strips look for to print it again.
    expect(wasInterrupted(refusal)).toBe(true);
    expect(saved).toHaveLength(0);
  });
});
