// The loudest frequency a telehealth viewer's auscultation player plays (window.__auscultation,
// renderer/src/telehealth/RemoteAuscultation.tsx), read from a fine analyser over 0.7 s, the peak
// refined by parabolic interpolation between its neighbours (dB). For the e2e specs.
import type { Page } from '@playwright/test';

export function heardHz(viewer: Page): Promise<number> {
  return viewer.evaluate(() => {
    const player = (
      window as unknown as {
        __auscultation: { context: AudioContext; analyser: AnalyserNode };
      }
    ).__auscultation;
    const fine = new AnalyserNode(player.context, { fftSize: 32_768, smoothingTimeConstant: 0 });
    player.analyser.connect(fine);
    return new Promise<number>((done) =>
      setTimeout(() => {
        const bins = new Float32Array(fine.frequencyBinCount);
        fine.getFloatFrequencyData(bins);
        let best = 1;
        for (let i = 2; i < bins.length - 1; i++) if (bins[i]! > bins[best]!) best = i;
        const [a, b, c] = [bins[best - 1]!, bins[best]!, bins[best + 1]!];
        const offset = (0.5 * (a - c)) / (a - 2 * b + c);
        done(((best + offset) * player.context.sampleRate) / fine.fftSize);
      }, 700),
    );
  });
}
