// The fonts strips print with: one fallback chain per weight, so a name in any of the scripts
// below prints as typed. Noto Sans (Latin with Vietnamese, Greek, Cyrillic; SIL OFL), Noto Sans
// Arabic and Hebrew (OFL), Droid Sans Fallback (Chinese, Japanese kana, Korean; Apache 2.0). The
// files ship in resources/fonts; each PDF embeds only the glyphs it uses. Opened once, by the strip
// worker (strip-worker.ts).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import type { FontWeight } from './strip-drawing';
import { findUp } from '../locate';

/** The chain of each weight, first choice first (CJK has no bold here: it prints regular). */
export const STRIP_FONT_FILES: Record<FontWeight, readonly string[]> = {
  regular: [
    'NotoSans-Regular.ttf',
    'NotoSansArabic-Regular.ttf',
    'NotoSansHebrew-Regular.ttf',
    'DroidSansFallback.ttf',
  ],
  bold: [
    'NotoSans-Bold.ttf',
    'NotoSansArabic-Bold.ttf',
    'NotoSansHebrew-Bold.ttf',
    'DroidSansFallback.ttf',
  ],
};

export type StripFonts = Record<FontWeight, readonly fontkit.Font[]>;

/** Present in the fonts folder, from source and packaged alike. */
const MARKER = 'NOTICE.md';

/**
 * The folder of the strips' fonts: beside the executable in a packaged app (electron-builder's
 * extraResources), otherwise `resources/fonts` above this module (source, tests, the build).
 */
export function stripFontsDir(
  resourcesPath: string | undefined = (process as { resourcesPath?: string }).resourcesPath,
  from?: string,
): string {
  if (resourcesPath && existsSync(join(resourcesPath, 'fonts', MARKER))) {
    return join(resourcesPath, 'fonts');
  }
  const root = findUp(join('resources', 'fonts', MARKER), from);
  if (!root) {
    throw new Error(
      'The fonts for printing strips (resources/fonts) are missing from this installation: ' +
        'reinstall the workstation.',
    );
  }
  return join(root, 'resources', 'fonts');
}

export async function loadStripFonts(dir: string): Promise<StripFonts> {
  const files = [...new Set([...STRIP_FONT_FILES.regular, ...STRIP_FONT_FILES.bold])];
  const opened = new Map<string, fontkit.Font>();
  await Promise.all(
    files.map(async (file) => {
      const path = join(dir, file);
      let font: ReturnType<typeof fontkit.create>;
      try {
        font = fontkit.create(await readFile(path));
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new Error(
          `The font ${file} for printing strips cannot be read (${why}): reinstall the workstation.`,
          { cause: error },
        );
      }
      if (!('hasGlyphForCodePoint' in font)) throw new Error(`${path} is not a single font.`);
      opened.set(file, keepCodePoints(font));
    }),
  );
  const chain = (weight: FontWeight) => STRIP_FONT_FILES[weight].map((file) => opened.get(file)!);
  return { regular: chain('regular'), bold: chain('bold') };
}

/**
 * fontkit keeps one glyph object per glyph, with the characters it was first asked for. The
 * subsetter asks for a composite glyph's parts (the "o" inside "ö", the "а" inside "ӓ") with no
 * characters; a later strip then embeds "o" mapped to nothing, and its text reads "Desaturati n".
 * So a glyph first made without characters takes them from the next request that has them.
 */
function keepCodePoints(font: fontkit.Font): fontkit.Font {
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = (glyphId: number, codePoints: number[] = []) => {
    const glyph = getGlyph(glyphId, codePoints);
    if (glyph && glyph.codePoints.length === 0 && codePoints.length > 0) {
      glyph.codePoints = codePoints;
    }
    return glyph;
  };
  return font;
}
