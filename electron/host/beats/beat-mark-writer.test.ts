// Beat marks from the classifier through the writer into the real store (PGlite on disk) and back
// as review reads them: by window, and the next or previous beat of a class from a moment.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/client';
import { freshStoreDir } from '../store/store-template.test-support';
import { BeatMarkWriter } from './beat-mark-writer';

const T0 = 1_780_000_000_000;
let dataDir: string;
let store: Store;

beforeAll(async () => {
  ({ dataDir } = await freshStoreDir());
  store = await openStore({ dataDir, workstationId: 'ws-beats' });
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('beat marks', () => {
  it('are kept a batch at a time and read back by window, class by class', async () => {
    const logged: string[] = [];
    const writer = new BeatMarkWriter(store, (m) => logged.push(m), 60_000);
    writer.add('bed-1', T0 + 1_000, 'V');
    writer.add('bed-1', T0 + 2_500, 'S');
    writer.add('bed-2', T0 + 2_600, 'V');
    writer.add('bed-1', T0 + 9_000, 'V');
    await writer.stop();
    expect(logged).toEqual([]);
    expect(await store.readBeatMarks('bed-1', T0, T0 + 5_000)).toEqual([
      { atMs: T0 + 1_000, beatClass: 'V' },
      { atMs: T0 + 2_500, beatClass: 'S' },
    ]);
    expect(await store.findBeatMark('bed-1', 'V', T0 + 1_000, 'next')).toEqual({
      atMs: T0 + 9_000,
      beatClass: 'V',
    });
    expect(await store.findBeatMark('bed-1', 'V', T0 + 9_000, 'previous')).toEqual({
      atMs: T0 + 1_000,
      beatClass: 'V',
    });
    expect(await store.findBeatMark('bed-1', 'V', T0 + 9_000, 'next')).toBeNull();
    expect(await store.findBeatMark('bed-2', 'S', T0, 'next')).toBeNull();
  });
});
