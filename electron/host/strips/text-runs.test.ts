// Text runs: each character in the first font of the chain that has it, right-to-left names in
// the order the bidirectional algorithm puts them on a left-to-right line, nothing dropped.
import { describe, expect, it } from 'vitest';
import { printableText, textRuns, type FontCovers } from './text-runs';

// A chain like the strips' own: 0 Latin/Greek/Cyrillic, 1 Arabic, 2 Hebrew, 3 CJK.
const LATIN = 0;
const ARABIC = 1;
const HEBREW = 2;
const CJK = 3;
const covers: FontCovers = (font, codePoint) => {
  const c = String.fromCodePoint(codePoint);
  if (font === LATIN)
    return (
      /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{N}\p{P}\p{S}\p{Zs}\u0300-\u036f]/u.test(
        c,
      ) && !/[\u0660-\u0669]/.test(c)
    );
  if (font === ARABIC) return /[\p{Script=Arabic}\u0660-\u0669 ,.:\-0-9]/u.test(c);
  if (font === HEBREW) return /[\p{Script=Hebrew} -]/u.test(c);
  return /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana} ]/u.test(c);
};
const runs = (text: string) => textRuns(text, 4, covers);

describe('textRuns', () => {
  it('keeps a left-to-right line in one run per font, in typed order', () => {
    expect(runs('Patient: Ковалёва, Đặng 王')).toEqual([
      { text: 'Patient: Ковалёва, Đặng ', font: LATIN, rtl: false },
      { text: '王', font: CJK, rtl: false },
    ]);
    expect(runs('김민준 SpO₂ 80 %')).toEqual([
      { text: '김민준 ', font: CJK, rtl: false },
      { text: 'SpO₂ 80 %', font: LATIN, rtl: false },
    ]);
  });

  it('puts the words of an Arabic name right to left, each run shaped right to left', () => {
    // Typed: family name, comma, given name. On paper, read from the right: الحسيني first.
    expect(runs('الحسيني, فاطمة')).toEqual([{ text: 'الحسيني, فاطمة', font: ARABIC, rtl: true }]);
    expect(runs('Patient: محمد علي   MRN: 12')).toEqual([
      { text: 'Patient: ', font: LATIN, rtl: false },
      { text: 'محمد علي', font: ARABIC, rtl: true },
      { text: '   MRN: 12', font: LATIN, rtl: false },
    ]);
  });

  it('orders Hebrew runs and the punctuation between them, which the Hebrew font lacks', () => {
    // Typed "כהן, דוד": the comma stands left of כהן and the space left of the comma.
    expect(runs('כהן, דוד')).toEqual([
      { text: 'דוד', font: HEBREW, rtl: true },
      { text: ' ,', font: LATIN, rtl: false },
      { text: 'כהן', font: HEBREW, rtl: true },
    ]);
    expect(runs('(כהן)')).toEqual([
      { text: '(', font: LATIN, rtl: false },
      { text: 'כהן', font: HEBREW, rtl: true },
      { text: ')', font: LATIN, rtl: false },
    ]);
  });

  it('keeps numbers in right-to-left text left to right', () => {
    // Arabic letters then European digits: the digits read left to right, left of the word.
    expect(runs('غرفة 12')).toEqual([
      { text: '12', font: LATIN, rtl: false },
      { text: 'غرفة ', font: ARABIC, rtl: true },
    ]);
    // Arabic-Indic digits stay in the Arabic font.
    expect(runs('سرير ١٢')).toEqual([
      { text: '١٢', font: ARABIC, rtl: false },
      { text: 'سرير ', font: ARABIC, rtl: true },
    ]);
  });

  it('never drops a character no font has; it goes to the first font', () => {
    expect(runs('Ada 𓀀')).toEqual([{ text: 'Ada 𓀀', font: LATIN, rtl: false }]);
  });
});

describe('printableText', () => {
  it('composes decomposed letters, makes one line and drops invisible controls', () => {
    expect(printableText('\u0110a\u0323\u0306ng')).toBe('\u0110\u1eb7ng');
    expect(printableText('Đặng'.normalize('NFD'))).toBe('Đặng'.normalize('NFC'));
    expect(printableText('a\nb\tc')).toBe('a b c');
    expect(printableText('\u202eevil\u202c\u0007')).toBe('evil');
  });
});
