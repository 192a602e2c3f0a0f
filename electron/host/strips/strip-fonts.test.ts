// The strips' fonts are found from source, from the build (out/main) and beside a packaged app's
// executable, and between them draw every script a name is expected in.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStripFonts, STRIP_FONT_FILES, stripFontsDir } from './strip-fonts';

const root = join(import.meta.dirname, '..', '..', '..');

describe('stripFontsDir', () => {
  it('finds resources/fonts from source and from the build in out/main', () => {
    expect(stripFontsDir(undefined)).toBe(join(root, 'resources', 'fonts'));
    // The bundled main process runs from out/main: it walks up to the same folder.
    expect(stripFontsDir(undefined, join(root, 'out', 'main'))).toBe(
      join(root, 'resources', 'fonts'),
    );
    for (const file of new Set([...STRIP_FONT_FILES.regular, ...STRIP_FONT_FILES.bold])) {
      expect(statSync(join(root, 'resources', 'fonts', file)).size, file).toBeGreaterThan(10_000);
    }
  });

  it('finds the fonts electron-builder put beside a packaged app (resources/fonts)', () => {
    const resources = mkdtempSync(join(tmpdir(), 'packaged-'));
    try {
      mkdirSync(join(resources, 'fonts'));
      writeFileSync(join(resources, 'fonts', 'NOTICE.md'), '# fonts\n');
      expect(stripFontsDir(resources, '/')).toBe(join(resources, 'fonts'));
    } finally {
      rmSync(resources, { recursive: true, force: true });
    }
  });

  it('says what to do when the fonts are missing', () => {
    expect(() => stripFontsDir('/nonexistent', '/')).toThrow(
      /fonts for printing strips .* are missing from this installation: reinstall/,
    );
  });
});

describe('the fallback chains', () => {
  it('draw Latin with Vietnamese, Greek, Cyrillic, Arabic, Hebrew, Chinese, kana and Hangul', async () => {
    const fonts = await loadStripFonts(stripFontsDir());
    const samples = 'Đặng ỹ Ω Ж ё ف ي ד 王 鑫 さ カ 김 µ ° ₂ — …'.replace(/ /g, '');
    for (const chain of [fonts.regular, fonts.bold]) {
      for (const char of samples) {
        const codePoint = char.codePointAt(0)!;
        expect(
          chain.some((font) => font.hasGlyphForCodePoint(codePoint)),
          `${char} U+${codePoint.toString(16)}`,
        ).toBe(true);
      }
    }
  });
});
