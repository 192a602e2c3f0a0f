// A strip's layout and PDF in one step: what the strip worker does for each strip (and what the
// benchmark times on the main thread for comparison). CPU-bound: never call it on the main thread
// of a running workstation (strip-renderer.ts sends it to the worker).
import type { StripFonts } from './strip-fonts';
import { layoutStrip, type StripInput } from './strip-layout';
import { stripPdf, type StripPdfInfo } from './strip-pdf';

/** Makes a strip's PDF bytes from what it shows; a worker or the benchmark calls it. */
export type RenderStripPdf = (input: StripInput, info: StripPdfInfo) => Promise<Uint8Array>;

export function renderStripPdf(
  input: StripInput,
  info: StripPdfInfo,
  fonts: StripFonts,
): Promise<Uint8Array> {
  return stripPdf(layoutStrip(input), info, fonts);
}
