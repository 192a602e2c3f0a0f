// The fonts strips print with: one fallback chain per weight, so a name in any of the scripts
// below prints as typed. Noto Sans (Latin with Vietnamese, Greek, Cyrillic; SIL OFL), Noto Sans
// Arabic and Hebrew (OFL), Droid Sans Fallback (Chinese, Japanese kana, Korean; Apache 2.0). The
// files ship in resources/fonts; each PDF embeds only the glyphs it uses. Who prints reads the
// files (the workstation's strip worker, the central server) and opens them here.
import * as fontkit from 'fontkit';
import type { FontWeight } from './strip-drawing';

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

/**
 * The chains from the font files, each read once with `read`. A file that cannot be read or
 * opened is an error naming it, ending with `remedy` (what the person running it should do).
 */
export async function openStripFonts(
  read: (file: string) => Promise<Uint8Array>,
  remedy: string,
): Promise<StripFonts> {
  const files = [...new Set([...STRIP_FONT_FILES.regular, ...STRIP_FONT_FILES.bold])];
  const opened = new Map<string, fontkit.Font>();
  await Promise.all(
    files.map(async (file) => {
      let font: ReturnType<typeof fontkit.create>;
      try {
        font = fontkit.create((await read(file)) as Parameters<typeof fontkit.create>[0]);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new Error(`The font ${file} for printing strips cannot be read (${why}): ${remedy}`, {
          cause: error,
        });
      }
      if (!('hasGlyphForCodePoint' in font)) throw new Error(`${file} is not a single font.`);
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
