// A child process for the sync crash test: writes rows into the store at DATA_DIR, says how many
// (`written N`), then starts the uploader against SERVER_URL and says `pushing` once it has begun
// sending. The test kills it with SIGKILL while a push is in flight.
// Usage: node --import tsx --import ./test/support/raw-import.mjs sync-push-child.ts DATA_DIR SERVER_URL CREDENTIAL
import { openStore } from '../../electron/host/store/client';
import { Uploader } from '../../electron/host/sync/uploader';

const [dataDir, serverUrl, credential] = process.argv.slice(2);

async function main(): Promise<void> {
  const store = await openStore({ dataDir: dataDir!, workstationId: 'ws-crash' });
  let at = 1_760_000_000_000;
  let written = 0;
  for (let i = 0; i < 40; i++) {
    store.appendAlarmEvent({
      bedId: 'bed-1',
      alarmId: `a-${i}`,
      event: 'raised',
      kind: 'physiological',
      priority: 'medium',
      code: 'SPO2_LOW',
      message: 'SpO2 low',
      value: 88,
      limit: 90,
      actor: 'spo2-1',
      at: at++,
    });
    written += 1;
  }
  for (let i = 0; i < 1_500; i++) {
    store.appendNumeric({
      bedId: 'bed-1',
      deviceId: 'spo2-1',
      refId: 'MDC_PULS_OXIM_SAT_O2',
      value: 88,
      unit: '%',
      at: at++,
    });
    written += 1;
  }
  await store.flush();
  console.log(`written ${written}`);
  new Uploader({
    outbox: store.outbox,
    link: () => ({
      endpoint: { serverUrl: serverUrl!, caPem: null },
      credential: credential!,
      workstationId: 'ws-crash',
    }),
    log: (message) => console.log(message),
    answerTimeoutMs: 60_000,
  }).start();
  console.log('pushing');
}

void main();
