import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { frameRecord, Journal, readJournal, segmentsIn } from './journal';
import { deserializeBatch, prepareBatch, serializeBatch } from './prepared-batch';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('the journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'ws-journal-')), 'journal');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('reads back every record in order, across rotated segments', () => {
    const journal = new Journal(dir);
    journal.append(bytes(1, 2, 3));
    const first = journal.rotate();
    journal.append(bytes(4));
    journal.append(new Uint8Array(0));
    journal.close();
    const report = readJournal(dir);
    expect(report.records.map((r) => [r.segment, [...r.payload]])).toEqual([
      [first, [1, 2, 3]],
      [first + 1, [4]],
      [first + 1, []],
    ]);
    expect(report.tornTails).toEqual([]);
    expect(report.damaged).toEqual([]);
  });

  it('a record torn by a crash is ignored; everything before it is kept', () => {
    const journal = new Journal(dir);
    journal.append(bytes(1));
    journal.close();
    const file = join(dir, readdirSync(dir)[0]!);
    appendFileSync(file, frameRecord(bytes(9, 9, 9, 9)).subarray(0, 13));
    const report = readJournal(dir);
    expect(report.records.map((r) => [...r.payload])).toEqual([[1]]);
    expect(report.tornTails).toHaveLength(1);
    expect(report.damaged).toEqual([]);
  });

  it('damage in the middle is reported and the segment kept as a copy', () => {
    const journal = new Journal(dir);
    journal.append(bytes(1));
    journal.append(bytes(2, 2));
    journal.append(bytes(3));
    journal.close();
    const file = join(dir, readdirSync(dir)[0]!);
    const content = readFileSync(file);
    const secondPayloadByte = 11 + 1 + 11 + 1;
    content[secondPayloadByte] = content[secondPayloadByte]! ^ 0xff;
    writeFileSync(file, content);
    const report = readJournal(dir);
    expect(report.records.map((r) => [...r.payload])).toEqual([[1]]);
    expect(report.damaged).toHaveLength(1);
    expect(readFileSync(report.damaged[0]!.keptAs)).toEqual(content);
  });

  it('deletes the segments a checkpoint covers and continues numbering after them', () => {
    const journal = new Journal(dir);
    journal.append(bytes(1));
    const closed = journal.rotate();
    journal.append(bytes(2));
    journal.deleteThrough(closed);
    journal.close();
    expect(segmentsIn(dir)).toEqual([closed + 1]);
    const reopened = new Journal(dir);
    expect(reopened.segment).toBe(closed + 2);
    reopened.close();
  });

  it('a prepared batch survives the journal bit for bit, ids included', () => {
    const batch = prepareBatch({
      chunks: [
        {
          bedId: 'bed-1',
          deviceId: 'dev',
          channel: 'ECG',
          rateHz: 500,
          t0Ms: 1_700_000_000_000,
          values: Float64Array.from([0, -1, 2_147_483_647, -2_147_483_648, 5]),
        },
      ],
      numerics: [
        { bedId: 'bed-1', deviceId: 'dev', refId: 'MDC_X', value: 97.5, unit: '%', at: 12 },
      ],
      alarmEvents: [],
    });
    expect(deserializeBatch(serializeBatch(batch))).toEqual(batch);
  });
});
