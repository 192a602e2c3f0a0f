// The sync outbox through the store worker, on a real store on disk: batches by lane, newest
// first, bounded in rows and bytes, as rows the shared schemas accept; acknowledging and setting
// aside; the backlog from the totals; and the version stamps, monotonic across a restart.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './client';
import { freshStoreDir } from './store-template.test-support';
import { syncedRowSchemas, type SyncedTable } from '../../../shared/sync/tables';
import { defaultStaySettings } from '../../../shared/model/alarm-defaults';
import { formatHlc, parseHlc } from '../../../shared/sync/hlc';
import { uuidv7 } from '../../../shared/ids';
import { decodePush, encodePush, type PushRow } from '../../../shared/sync/push-frame';
import { pushCodec } from '../sync/push-codec';
import { readBinaryCopyColumn } from './sync-outbox';

const T0 = 1_760_000_000_000;
let folder: string;
let dataDir: string;
const opened: Store[] = [];

async function open(): Promise<Store> {
  const store = await openStore({ dataDir, workstationId: 'ws-sync-test' });
  opened.push(store);
  return store;
}

beforeEach(async () => {
  ({ dataDir, folder } = await freshStoreDir('ws-sync-outbox-'));
});
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((store) => store.close()));
  rmSync(folder, { recursive: true, force: true });
});

function alarm(at: number) {
  return {
    bedId: 'bed-1',
    alarmId: `a-${at}`,
    event: 'raised' as const,
    kind: 'physiological' as const,
    priority: 'high' as const,
    code: 'HR_HIGH',
    message: 'HR high',
    value: 150,
    limit: 120,
    actor: 'ecg-1',
    at,
  };
}

/** Every row as the server reads it: the table's schema, with bytes where bytes go. */
function expectWireRows(rows: { table: SyncedTable; row: Record<string, unknown> }[]) {
  for (const { table, row } of rows) {
    const wire = { ...row };
    for (const column of ['data', 'pdf', 'wav']) {
      if (column in wire) {
        expect(wire[column]).toBeInstanceOf(Uint8Array);
        wire[column] = { blob: 0 };
      }
    }
    const parsed = syncedRowSchemas[table].safeParse(wire);
    expect(parsed.success, `${table}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  }
}

/** `count` packed minutes of 500 Hz ECG on bed 1 from T0 (~tens of kB each). */
async function storeEcgMinutes(store: Store, count: number): Promise<void> {
  for (let m = 0; m < count; m++) {
    await store.storeWaveform({
      bedId: 'bed-1',
      deviceId: 'ecg-1',
      channel: 'II',
      rateHz: 500,
      t0: T0 + m * 60_000,
      values: Array.from({ length: 30_000 }, (_, k) => Math.round(1000 * Math.sin(k / 7 + m))),
    });
  }
}

describe('the sync outbox', () => {
  it('gives each lane newest first, bounded in rows and bytes, as the wire schemas want', async () => {
    const store = await open();
    for (let i = 0; i < 5; i++) store.appendAlarmEvent(alarm(T0 + i * 1000));
    for (let i = 0; i < 30; i++) {
      store.appendNumeric({
        bedId: 'bed-1',
        deviceId: 'ecg-1',
        refId: 'MDC_ECG_HEART_RATE',
        value: 60 + i,
        unit: '/min',
        at: T0 + i * 1000,
      });
    }
    await store.flush();
    // Three packed minutes of 500 Hz ECG (~tens of kB each) and a strip.
    await storeEcgMinutes(store, 3);
    await store.saveStrip({
      bedId: 'bed-1',
      kind: 'manual',
      alarmId: null,
      alarmMessage: null,
      fromMs: T0,
      toMs: T0 + 20_000,
      createdAtMs: T0 + 21_000,
      actor: 'nurse',
      pdf: new Uint8Array([0x25, 0x50, 0x44, 0x46, 1, 2, 3]),
    });
    await store.recordAlarmSettings({
      ...defaultStaySettings('adult'),
      bedId: 'bed-1',
      patientId: null,
      actor: 'nurse',
      atMs: T0,
    });

    const lane0 = await store.outbox.readBatch(0, 2 * 1024 * 1024, 1000);
    const tables0 = new Set(lane0.rows.map((r) => r.table));
    expect(tables0).toEqual(new Set(['alarm_events', 'alarm_settings']));
    expect(lane0.rows.map((r) => r.seq)).toEqual(
      [...lane0.rows.map((r) => r.seq)].sort((a, b) => b - a),
    );
    const alarms = lane0.rows.filter((r) => r.table === 'alarm_events');
    expect(alarms.map((r) => r.row.at_ms)).toEqual([4, 3, 2, 1, 0].map((i) => T0 + i * 1000));
    expectWireRows(lane0.rows);

    // Numerics: newest first, at most maxRows.
    const lane1 = await store.outbox.readBatch(1, 2 * 1024 * 1024, 10);
    expect(lane1.rows).toHaveLength(10);
    expect(lane1.rows.map((r) => r.row.value)).toEqual(
      Array.from({ length: 10 }, (_, i) => 89 - i),
    );
    expectWireRows(lane1.rows);

    // Waveforms and the strip: the strip came last, so it is first; bytes bound the rest.
    const all2 = await store.outbox.readBatch(2, 64 * 1024 * 1024, 100);
    expect(all2.rows.map((r) => r.table)).toEqual([
      'strips',
      'waveform_chunks',
      'waveform_chunks',
      'waveform_chunks',
    ]);
    expectWireRows(all2.rows);
    const chunkBytes = (all2.rows[1]!.row.data as Uint8Array).byteLength;
    const bounded = await store.outbox.readBatch(2, chunkBytes + 1000, 100);
    expect(bounded.rows.map((r) => r.table)).toEqual(['strips', 'waveform_chunks']);
    // A single row larger than the bound still comes (alone): nothing waits for ever.
    const one = await store.outbox.readBatch(2, 1, 100);
    expect(one.rows).toHaveLength(1);

    const backlog = await store.outbox.backlog();
    expect(backlog.byLane.map((l) => l.rows)).toEqual([lane0.rows.length, 30, 4]);
    expect(backlog.byLane[2]!.bytes).toBeGreaterThan(3 * chunkBytes * 0.9);
    expect(backlog.rows).toBe(lane0.rows.length + 34);
    expect(backlog.oldestAtMs).toBeGreaterThan(Date.now() - 60_000);
  });

  it('forgets acknowledged rows and sets refused ones aside with the reason', async () => {
    const store = await open();
    for (let i = 0; i < 4; i++) store.appendAlarmEvent(alarm(T0 + i));
    await store.flush();
    const batch = await store.outbox.readBatch(0, 1024 * 1024, 100);
    expect(batch.rows).toHaveLength(4);
    const [refused, ...sent] = batch.rows;
    expect(await store.outbox.setAside([{ seq: refused!.seq, reason: 'code unknown' }])).toBe(1);
    expect(await store.outbox.acknowledge(sent.map((r) => r.seq))).toBe(3);
    // Twice is harmless: an answer repeated after a retry.
    expect(await store.outbox.acknowledge(sent.map((r) => r.seq))).toBe(0);
    const backlog = await store.outbox.backlog();
    expect(backlog.rows).toBe(0);
    expect(backlog.bytes).toBe(0);
    expect(backlog.oldestAtMs).toBeNull();
    expect(backlog.setAside).toMatchObject({ count: 1, lastReason: 'code unknown' });
    expect((await store.outbox.readBatch(0, 1024 * 1024, 100)).rows).toEqual([]);
    // Sent again when asked: back in its place, under its own seq.
    expect(await store.outbox.requeueSetAside()).toBe(1);
    const again = await store.outbox.readBatch(0, 1024 * 1024, 100);
    expect(again.rows.map((r) => r.seq)).toEqual([refused!.seq]);
    expect((await store.outbox.backlog()).setAside.count).toBe(0);
    expect(await store.outbox.requeueSetAside()).toBe(0);
  });

  it('writes each lane as the database-built frame the value-by-value rows would make', async () => {
    const store = await open();
    store.appendAlarmEvent({ ...alarm(T0), value: 150.25, limit: 120.5 });
    store.appendAlarmEvent({ ...alarm(T0 + 1), message: 'quote " backslash \\ tab \t é ♥' });
    for (let i = 0; i < 12; i++) {
      store.appendNumeric({
        bedId: 'bed-1',
        deviceId: 'ecg-1',
        refId: i % 2 ? 'MDC_PULS_OXIM_SAT_O2' : 'MDC_ECG_HEART_RATE',
        value: 60 + i / 3,
        unit: '/min',
        at: T0 + i * 1000,
      });
    }
    await store.flush();
    const admitted = await store.admitPatient({
      bedId: 'bed-1',
      bedLabel: 'Bed 1',
      atMs: T0,
      actor: 'nurse',
      detail: 'admitted',
      patient: {
        mrn: 'F-1',
        familyName: "O'Fiction",
        givenName: 'Demo',
        birthDate: '1980-02-03',
        category: 'adult',
      },
    });
    await store.recordAlarmSettings({
      ...defaultStaySettings('adult'),
      bedId: 'bed-1',
      patientId: null,
      actor: 'nurse',
      atMs: T0,
    });
    await store.recordChannels([
      {
        bedId: 'bed-1',
        deviceId: 'ecg-1',
        channel: 'II',
        label: 'II',
        unit: 'mV',
        rateHz: 500,
        scale: 0.005,
      },
      {
        bedId: 'bed-1',
        deviceId: 'ecg-1',
        channel: 'Pleth',
        label: 'Pleth',
        unit: '',
        rateHz: 62.5,
        scale: null,
      },
    ]);
    await store.appendAnnotations([
      { bedId: 'bed-1', atMs: T0, kind: 'note', text: 'line\nbreak', actor: 'nurse' },
    ]);
    await store.recordNews2Observation({
      bedId: 'bed-1',
      patientId: admitted.id,
      atMs: T0,
      actor: 'nurse',
      onOxygen: true,
      consciousness: 'C',
      temperature: 38.2,
    });
    await store.recordAuditEvent({
      atMs: T0,
      actor: 'nurse',
      action: 'test',
      subject: 's',
      detail: 'd',
    });
    await storeEcgMinutes(store, 2);
    await store.saveStrip({
      bedId: 'bed-1',
      kind: 'alarm',
      alarmId: 'a-1',
      alarmMessage: 'HR high',
      fromMs: T0,
      toMs: T0 + 20_000,
      createdAtMs: T0 + 21_000,
      actor: 'nurse',
      pdf: new Uint8Array([0x25, 0x50, 0x44, 0x46, 9, 8, 7]),
    });
    await store.saveSoundRecording({
      bedId: 'bed-1',
      patientId: null,
      startedAtMs: T0,
      rateHz: 4000,
      sampleCount: 3,
      site: 'heart',
      mode: 'bell',
      label: null,
      heartRateBpm: 71.5,
      wav: new Uint8Array([1, 2, 3, 4, 5, 6]),
    });

    const meta = { protocol: 1, workstationId: 'ws-sync-test', batchId: uuidv7() };
    const key = (r: PushRow) => `${r.table}/${String(r.row.id)}`;
    const byKey = (rows: PushRow[]) => new Map(rows.map((r) => [key(r), r.row]));
    const tablesSeen = new Set<string>();
    for (const lane of [0, 1, 2] as const) {
      const frame = await store.outbox.readFrame(lane, 64 * 1024 * 1024, 1000, meta);
      const batch = await store.outbox.readBatch(lane, 64 * 1024 * 1024, 1000);
      expect(frame.entries.length, `lane ${lane}`).toBeGreaterThan(0);
      expect(new Set(frame.entries.map((e) => e.seq))).toEqual(
        new Set(batch.rows.map((r) => r.seq)),
      );
      expect(frame.bytes).toBe(batch.bytes);
      expect(frame.orphanSeqs).toEqual([]);
      const fromDatabase = decodePush(frame.frame, pushCodec);
      const fromValues = decodePush(encodePush(meta, batch.rows, pushCodec), pushCodec);
      expect(fromDatabase.refused).toEqual([]);
      expect(fromValues.refused).toEqual([]);
      expect(byKey(fromDatabase.rows)).toEqual(byKey(fromValues.rows));
      for (const entry of frame.entries) {
        expect(byKey(fromDatabase.rows).has(`${entry.table}/${entry.id}`)).toBe(true);
        tablesSeen.add(entry.table);
      }
    }
    expect(tablesSeen).toEqual(
      new Set([
        'alarm_events',
        'numerics',
        'patients',
        'admissions',
        'alarm_settings',
        'channels',
        'annotations',
        'news2_observations',
        'audit_events',
        'waveform_chunks',
        'strips',
        'sound_recordings',
      ]),
    );

    // Bounds as readBatch bounds them: rows, then bytes past the first row.
    const ten = await store.outbox.readFrame(1, 64 * 1024 * 1024, 10, meta);
    expect(ten.entries).toHaveLength(10);
    const tenRows = decodePush(ten.frame, pushCodec).rows;
    expect(tenRows.map((r) => r.row.at_ms).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => T0 + (i + 2) * 1000),
    );
    const next = await store.outbox.readFrame(
      1,
      64 * 1024 * 1024,
      10,
      meta,
      Math.min(...ten.entries.map((e) => e.seq)),
    );
    expect(next.entries).toHaveLength(2);
    const one = await store.outbox.readFrame(2, 1, 100, meta);
    expect(one.entries).toHaveLength(1);
    expect(decodePush(one.frame, pushCodec).rows).toHaveLength(1);
  });

  it('reads a binary COPY column and refuses one that is not as expected', () => {
    const copy = (...fields: (number[] | null)[]) => {
      const parts: number[] = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
      parts.push(0, 0, 0, 0, 0, 0, 0, 0);
      for (const f of fields) {
        parts.push(0, 1);
        if (f === null) parts.push(0xff, 0xff, 0xff, 0xff);
        else parts.push(0, 0, 0, f.length, ...f);
      }
      parts.push(0xff, 0xff);
      return new Uint8Array(parts);
    };
    expect(readBinaryCopyColumn(copy([1, 2], [], [3])).map((v) => [...v])).toEqual([
      [1, 2],
      [],
      [3],
    ]);
    expect(() => readBinaryCopyColumn(copy([1], null))).toThrow(/NULL/);
    expect(() => readBinaryCopyColumn(copy([1, 2]).subarray(0, 25))).toThrow(/cut short/);
    expect(() => readBinaryCopyColumn(new Uint8Array(30))).toThrow(/signature/);
  });

  it('stamps every version with a clock that never goes back, across a restart', async () => {
    let store = await open();
    const admit = (mrn: string, atMs: number) =>
      store.admitPatient({
        bedId: `bed-${mrn}`,
        bedLabel: `Bed ${mrn}`,
        atMs,
        actor: 'nurse',
        detail: 'admitted',
        patient: {
          mrn,
          familyName: 'Test',
          givenName: mrn,
          birthDate: '1980-02-03',
          category: 'adult',
        },
      });
    await admit('S-1', T0);
    await store.recordAlarmSettings({
      ...defaultStaySettings('adult'),
      bedId: 'bed-S-1',
      patientId: null,
      actor: 'nurse',
      atMs: T0,
    });
    const stamps = async () =>
      (await store.outbox.readBatch(0, 1024 * 1024, 1000)).rows
        .filter((r) => ['patients', 'admissions', 'alarm_settings'].includes(r.table))
        .sort((a, b) => a.seq - b.seq)
        .map((r) => r.row.hlc as string);
    const first = await stamps();
    expect(first).toHaveLength(3);
    expect(first.every((s) => s.endsWith('-ws-sync-test'))).toBe(true);
    expect([...first].sort()).toEqual(first);

    // Another workstation, whose clock runs an hour ahead, recorded a patient we pull.
    const ahead = formatHlc({ wallMs: Date.now() + 3_600_000, counter: 7, node: 'ws-other' });
    const pulled = await store.outbox.applyPulled([
      {
        table: 'patients',
        row: {
          id: uuidv7(),
          workstation_id: 'ws-other',
          created_at: new Date().toISOString(),
          supersedes: null,
          mrn: 'S-9',
          family_name: 'Other',
          given_name: 'Pat',
          birth_date: '1970-01-01',
          category: 'adult',
          actor: 'nurse.other',
          at_ms: Date.now(),
          hlc: ahead,
        },
      },
    ]);
    expect(pulled).toMatchObject({ applied: 1, present: 0, skipped: [] });
    await store.close();

    // After a restart the clock starts from the newest stamp in the store: after the pulled one.
    store = await open();
    await admit('S-2', T0 + 1000);
    const after = (await stamps()).slice(first.length);
    expect(after).toHaveLength(2);
    for (const stamp of after) {
      expect(stamp > ahead).toBe(true);
      expect(parseHlc(stamp).node).toBe('ws-sync-test');
    }
    // The pulled row is not queued to go back to the server.
    const queued = (await store.outbox.readBatch(0, 1024 * 1024, 1000)).rows;
    expect(queued.some((r) => r.row.mrn === 'S-9')).toBe(false);
  });
});
