// ER7 and MLLP: what we write, read back by an independent parser (simple-hl7); what we read, in
// any chunking, with hostile framing.
import { describe, expect, it } from 'vitest';
import hl7 from 'simple-hl7';
import {
  get,
  hl7Time,
  message,
  parseEr7,
  parseHl7Time,
  repetitions,
  segment,
  findSegment,
} from './er7';
import { frame, MllpDecoder } from './mllp';

describe('ER7', () => {
  it('writes what an independent parser reads back, escapes and all', () => {
    const text = message([
      segment(
        'MSH',
        'WS',
        'ICU',
        'EHR',
        'HOSP',
        hl7Time(Date.UTC(2026, 0, 2, 3, 4, 5)),
        null,
        ['ORU', 'R01', 'ORU_R01'],
        'id-1',
        'P',
        '2.6',
      ),
      segment('PID', null, null, { repeat: [['MRN|1', null, null, 'H&A', 'MR']] }, null, [
        'Doe^x',
        'Jane',
      ]),
    ]);
    const parsed = new hl7.Parser().parse(text);
    expect(parsed.header.getField(7)).toBe('ORU^R01^ORU_R01');
    expect(parsed.header.getField(5)).toBe('20260102030405+0000');
    const ours = parseEr7(text);
    const pid = findSegment(ours, 'PID');
    expect(get(ours, pid, 3, 1)).toBe('MRN|1');
    expect(get(ours, pid, 3, 4)).toBe('H&A');
    expect(get(ours, pid, 5, 1)).toBe('Doe^x');
    expect(repetitions(ours, pid, 3)[0]).toEqual(['MRN|1', '', '', 'H&A', 'MR']);
    expect(get(ours, findSegment(ours, 'MSH'), 9, 2)).toBe('R01');
    expect(get(ours, findSegment(ours, 'MSH'), 10)).toBe('id-1');
  });

  it('reads a message by the encoding characters it declares', () => {
    const ours = parseEr7('MSH#$%*@#A#B\nPID###x$y%z');
    expect(get(ours, findSegment(ours, 'PID'), 3, 2)).toBe('y');
    expect(get(ours, findSegment(ours, 'PID'), 3, 1, 1)).toBe('z');
  });

  it.each([
    ['', /MSH/],
    ['PID|1', /MSH/],
    ['MSH|^~', /encoding characters/],
    ['MSH|^^\\&|A', /five different/],
    ['MSH|^~\\&|A\rpid|1', /segment name/],
  ])('refuses %j with a reason', (text, reason) => {
    expect(() => parseEr7(text)).toThrow(reason);
  });

  it('reads HL7 times with and without zones, and refuses impossible ones', () => {
    expect(parseHl7Time('20260102030405+0000')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseHl7Time('20260102030405-0130')).toBe(Date.UTC(2026, 0, 2, 4, 34, 5));
    expect(parseHl7Time('19800229')).toBe(Date.UTC(1980, 1, 29));
    expect(parseHl7Time('19810229')).toBeNull();
    expect(parseHl7Time('2026010203046')).toBeNull();
  });
});

describe('MLLP', () => {
  function collect(max = 1000) {
    const got: string[] = [];
    const oversize: number[] = [];
    const decoder = new MllpDecoder(max, {
      message: (t) => got.push(t),
      oversize: (n) => oversize.push(n),
    });
    return { decoder, got, oversize };
  }

  it('reads frames in any chunking, skipping noise between them', () => {
    const wire = Buffer.concat([
      Buffer.from('noise'),
      frame('MSH|a\rPID|1\r'),
      frame('MSH|b\x1cx\r'),
      frame('MSH|é'),
    ]);
    for (let size = 1; size <= wire.length; size++) {
      const { decoder, got } = collect();
      for (let i = 0; i < wire.length; i += size) decoder.push(wire.subarray(i, i + size));
      expect(got).toEqual(['MSH|a\rPID|1\r', 'MSH|b\x1cx\r', 'MSH|é']);
    }
  });

  it('drops a frame over its limit, says so once, and reads the next', () => {
    const { decoder, got, oversize } = collect(100);
    const big = frame('MSH|' + 'x'.repeat(5000));
    for (let i = 0; i < big.length; i += 64) decoder.push(big.subarray(i, i + 64));
    decoder.push(frame('MSH|small'));
    expect(oversize).toHaveLength(1);
    expect(got).toEqual(['MSH|small']);
  });
});
