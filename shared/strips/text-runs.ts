// Splits a line of text into runs a font engine can shape: each run in one font of a fallback
// chain, in the order they stand on the page from left to right. Right-to-left letters (Arabic,
// Hebrew) are ordered by the Unicode bidirectional algorithm for a left-to-right line (rules W2,
// W7, N1, N2, I1 and L2, without explicit embeddings), which is what a name, a unit or a note
// typed into an English screen needs. The shaping engine reverses the glyphs inside a
// right-to-left run itself. Pure: the fonts are only asked whether they have a character.

export interface TextRun {
  /**
   * The run's characters in the order they were typed (the shaping engine reverses a right-to-left
   * run); punctuation alone in a right-to-left stretch is given in visual order already.
   */
  text: string;
  /** Index of its font in the fallback chain. */
  font: number;
  /** Laid out right to left (its glyphs are reversed by the shaping engine). */
  rtl: boolean;
}

/** Does font `font` of the chain draw this character? */
export type FontCovers = (font: number, codePoint: number) => boolean;

type BidiClass = 'L' | 'R' | 'AL' | 'EN' | 'AN' | 'NSM' | 'N';

/** What is printed of a typed text: one line, composed characters, no invisible controls. */
export function printableText(text: string): string {
  return (
    text
      .normalize('NFC')
      // Line breaks and tabs become spaces; other controls and explicit direction marks go (the
      // layout orders the text itself).
      .replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, ' ')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
  );
}

/** The runs of one line (one bidirectional paragraph, left to right), in visual order. */
export function textRuns(text: string, fontCount: number, covers: FontCovers): TextRun[] {
  const chars = Array.from(printableText(text));
  if (chars.length === 0) return [];
  const levels = embeddingLevels(chars.map((c) => bidiClass(c.codePointAt(0)!)));
  const fonts = fontChoices(chars, levels, fontCount, covers);

  // Runs of one level and one font, in typed order.
  const logical: { text: string; font: number; level: number }[] = [];
  chars.forEach((char, i) => {
    const last = logical.at(-1);
    if (last && last.level === levels[i] && last.font === fonts[i]) last.text += char;
    else logical.push({ text: char, font: fonts[i]!, level: levels[i]! });
  });

  // L2: from the highest level down to 1, reverse every stretch of runs at that level or above.
  const visual = [...logical];
  const highest = Math.max(...visual.map((r) => r.level));
  for (let level = highest; level >= 1; level--) {
    for (let start = 0; start < visual.length;) {
      if (visual[start]!.level < level) {
        start++;
        continue;
      }
      let end = start;
      while (end < visual.length && visual[end]!.level >= level) end++;
      visual.splice(start, end - start, ...visual.slice(start, end).reverse());
      start = end;
    }
  }
  return visual.map(({ text: runText, font, level }) => {
    if (level % 2 === 0) return { text: runText, font, rtl: false };
    // The shaping engine reverses a run only for a right-to-left script: punctuation alone
    // between two right-to-left words (", " in "family, given") is put in visual order here.
    const hasRtlLetter = Array.from(runText).some((c) =>
      /^(R|AL)$/.test(bidiClass(c.codePointAt(0)!)),
    );
    if (hasRtlLetter) return { text: runText, font, rtl: true };
    const mirrored = Array.from(runText, (c) => MIRRORED[c] ?? c).reverse();
    return { text: mirrored.join(''), font, rtl: false };
  });
}

/** Brackets that face the other way in right-to-left text (Unicode's Bidi_Mirroring_Glyph). */
const MIRRORED: Record<string, string> = {
  '(': ')',
  ')': '(',
  '[': ']',
  ']': '[',
  '{': '}',
  '}': '{',
  '<': '>',
  '>': '<',
  '«': '»',
  '»': '«',
};

/** Resolved embedding level of each character in a left-to-right paragraph (0, 1 or 2). */
function embeddingLevels(classes: readonly BidiClass[]): number[] {
  // W1: a combining mark takes the class of the character it is written on.
  const types = [...classes];
  types.forEach((t, i) => {
    if (t === 'NSM') types[i] = i === 0 ? 'N' : types[i - 1]!;
  });
  // W2, W3, W7: digits after Arabic letters are Arabic numbers; digits after Latin (or at the
  // start) are left to right; an Arabic letter is right to left.
  let strong: 'L' | 'R' | 'AL' = 'L';
  types.forEach((t, i) => {
    if (t === 'L' || t === 'R' || t === 'AL') strong = t;
    if (t === 'EN' && strong === 'AL') types[i] = 'AN';
    else if (t === 'EN' && strong === 'L') types[i] = 'L';
  });
  types.forEach((t, i) => {
    if (t === 'AL') types[i] = 'R';
  });
  // N1, N2: neutrals between two right-to-left sides (numbers count as right to left) are right to
  // left; all others take the paragraph's direction.
  const direction = (t: BidiClass) => (t === 'L' ? 'L' : t === 'N' ? null : 'R');
  for (let i = 0; i < types.length;) {
    if (types[i] !== 'N') {
      i++;
      continue;
    }
    let end = i;
    while (end < types.length && types[end] === 'N') end++;
    const before = i === 0 ? 'L' : direction(types[i - 1]!);
    const after = end === types.length ? 'L' : direction(types[end]!);
    const resolved = before === 'R' && after === 'R' ? 'R' : 'L';
    for (let k = i; k < end; k++) types[k] = resolved;
    i = end;
  }
  // I1: in a left-to-right paragraph, right to left is level 1, numbers in it level 2.
  return types.map((t) => (t === 'R' ? 1 : t === 'EN' || t === 'AN' ? 2 : 0));
}

/**
 * The font of each character: the first in the chain that draws it. Spaces, punctuation and
 * marks stay in the font of the character before them (at the same level) when it has them, so a
 * run is not cut. A character no font draws is left to the first font (its empty box), never
 * dropped.
 */
function fontChoices(
  chars: readonly string[],
  levels: readonly number[],
  fontCount: number,
  covers: FontCovers,
): number[] {
  const choices: number[] = [];
  chars.forEach((char, i) => {
    const codePoint = char.codePointAt(0)!;
    const previous = levels[i - 1] === levels[i] ? choices[i - 1] : undefined;
    if (previous !== undefined && !/[\p{L}\p{N}]/u.test(char) && covers(previous, codePoint)) {
      choices.push(previous);
      return;
    }
    let font = 0;
    while (font < fontCount && !covers(font, codePoint)) font++;
    choices.push(font < fontCount ? font : 0);
  });
  return choices;
}

function bidiClass(codePoint: number): BidiClass {
  if (codePoint >= 0x30 && codePoint <= 0x39) return 'EN';
  if (
    (codePoint >= 0x660 && codePoint <= 0x669) ||
    (codePoint >= 0x6f0 && codePoint <= 0x6f9) ||
    codePoint === 0x66b ||
    codePoint === 0x66c
  ) {
    return 'AN';
  }
  const char = String.fromCodePoint(codePoint);
  if (/\p{M}/u.test(char)) return 'NSM';
  if (isArabicLetter(codePoint)) return 'AL';
  if (isOtherRightToLeft(codePoint)) return 'R';
  return /[\p{L}\p{N}]/u.test(char) ? 'L' : 'N';
}

/** Arabic, Syriac, Thaana and their presentation forms: written right to left, with numbers. */
function isArabicLetter(codePoint: number): boolean {
  return (
    (codePoint >= 0x600 && codePoint <= 0x7bf) ||
    (codePoint >= 0x860 && codePoint <= 0x8ff) ||
    (codePoint >= 0xfb50 && codePoint <= 0xfdff) ||
    (codePoint >= 0xfe70 && codePoint <= 0xfefe) ||
    (codePoint >= 0x1ee00 && codePoint <= 0x1eeff)
  );
}

/** Hebrew, N'Ko, Samaritan and the other right-to-left scripts. */
function isOtherRightToLeft(codePoint: number): boolean {
  return (
    (codePoint >= 0x590 && codePoint <= 0x5ff) ||
    (codePoint >= 0x7c0 && codePoint <= 0x85f) ||
    (codePoint >= 0xfb1d && codePoint <= 0xfb4f) ||
    (codePoint >= 0x10800 && codePoint <= 0x10fff) ||
    (codePoint >= 0x1e800 && codePoint <= 0x1edff) ||
    (codePoint >= 0x1ef00 && codePoint <= 0x1efff)
  );
}
