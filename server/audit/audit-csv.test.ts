// The CSV's cells: RFC 4180 quoting, and every cell a spreadsheet would run as a formula defused.
import { describe, expect, it } from 'vitest';
import { actionInWords } from './action-words';
import { csvCell, csvLine } from './audit-csv';

describe('csv cells', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+41 79', "'+41 79"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    ['', ''],
  ])('%j is written %j', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it('ends each line with CRLF', () => {
    expect(csvLine(['a', 'b,c'])).toBe('a,"b,c"\r\n');
  });
});

describe('actions in words', () => {
  it('says known actions, refusals, and unknown ones as written', () => {
    expect(actionInWords('bedLive')).toBe("opened the bed's screen");
    expect(actionInWords('sign-in')).toBe('signed in');
    expect(actionInWords('refused:getTrend')).toBe('was refused: read trends');
    expect(actionInWords('refused:someNewCall')).toBe('was refused: someNewCall');
    expect(actionInWords('someNewCall')).toBe('someNewCall');
  });
});
