// Remote consults at the workstation, end to end on its side: a real store on disk (PGlite in its
// worker), real admissions and bus, and a real HTTP server on the loopback that answers the
// central server's telehealth paths as shared/telehealth/invitation.ts says (a stand-in: the
// central server's own routes are tested on their side). The nurse invites with consent and gets
// the link and code; refusals are sentences and leave nothing behind; the viewer and notes are
// picked up by polling (each note kept once, as an annotation, sealed and queued for sync); an end
// at the bed reaches the server, or is kept and told later when the server is down; a discharge
// ends the consult ('patient-left') and the next patient sees none of it; the time limit applies
// while the server is unreachable; a restart goes on asking. A recording the remote clinician
// asks for is kept like a local one (the real sound-recording handler and store) and told back,
// refused when no stethoscope is sounding, answered once, and stopped by the end.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { RemoteConsult } from '../../../shared/api/contract-telehealth';
import {
  CreateInvitation,
  EndInvitation,
  TELEHEALTH_PATHS,
  RecordingOutcome,
  type ConsultNote,
  type InvitationState,
} from '../../../shared/telehealth/invitation';
import { bytesToBase64 } from '../../../shared/audio/base64';
import { decodeWav } from '../../../shared/audio/wav';
import { soundRecordingHandlers } from '../api/sound-recordings';
import { Admissions } from '../admissions';
import { BedState } from '../beds';
import { Bus } from '../bus';
import { ADULT_DEFAULTS } from '../alarms/limits';
import { telehealthHandlers } from '../api/telehealth-handlers';
import { alarmHandlers } from '../api/alarm-handlers';
import { openStore, type Store } from '../store/client';
import { freshStoreDir } from '../store/store-template.test-support';
import { stringsFind } from '../store/encryption/test-support';
import { CONSULT_NOTE_KIND } from '../store/telehealth-consults';
import { RemoteConsults } from './remote-consults';
import { telehealthWords } from './telehealth-words';

const CREDENTIAL = 'workstation-credential-for-tests';
const NOTE_TEXT = 'Sinus rhythm, no ST change; repeat troponin at six hours.';
const REPRESENTATIVE = 'Zelda Quimby, daughter';

/** The central server's telehealth paths, as the wire says, on the loopback. */
class StandIn {
  readonly held = new Map<string, { made: CreateInvitation; state: InvitationState }>();
  readonly ends: { id: string; end: EndInvitation }[] = [];
  readonly creates: CreateInvitation[] = [];
  readonly outcomes: { id: string; recordingId: string; outcome: RecordingOutcome }[] = [];
  /** Drops every connection (the server is unreachable) while set. */
  down = false;
  /** How long a new invitation lasts here (the test's own limits); null: its minutes. */
  lastsMs: number | null = null;
  url = '';
  #server: Server | null = null;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }

  viewer(id: string, name: string, notes: string[] = []): void {
    const held = this.held.get(id)!;
    const now = Date.now();
    held.state.status = 'watching';
    held.state.viewer ??= { name, sinceMs: now, connected: true };
    for (const text of notes) {
      held.state.notes.push({
        id: crypto.randomUUID(),
        invitationId: id,
        text,
        author: name,
        atMs: now,
      } satisfies ConsultNote);
    }
  }

  /** The remote clinician asks for a recording (the server's one-patient api would keep it). */
  askRecording(id: string, seconds: 10 | 20 | 30, by: string): string {
    const recordingId = crypto.randomUUID();
    this.held.get(id)!.state.recordings.push({
      id: recordingId,
      invitationId: id,
      seconds,
      askedBy: by,
      askedAtMs: Date.now(),
      status: 'asked',
      keptAtMs: null,
      durationS: null,
      heartRateBpm: null,
      problem: null,
    });
    return recordingId;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${CREDENTIAL}`)
      return send(401, { message: 'unknown workstation' });
    let body: unknown;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null;
    } catch {
      return send(400, { message: 'not JSON' });
    }
    const path = req.url ?? '';
    if (req.method === 'POST' && path === TELEHEALTH_PATHS.invitations) {
      const made = CreateInvitation.safeParse(body);
      if (!made.success) return send(400, { message: made.error.issues[0]?.message });
      this.creates.push(made.data);
      const id = made.data.id;
      if (!this.held.has(id)) {
        this.held.set(id, {
          made: made.data,
          state: {
            id,
            status: 'waiting',
            viewer: null,
            expiresAtMs: Date.now() + (this.lastsMs ?? made.data.minutes * 60_000),
            endedAtMs: null,
            endReason: null,
            endedBy: null,
            notes: [],
            recordings: [],
          },
        });
      }
      const state = this.held.get(id)!.state;
      return send(201, {
        id,
        url: `${this.url}/telehealth/#t=token-of-${id}`,
        code: '12345678',
        expiresAtMs: state.expiresAtMs,
      });
    }
    const answered = /^\/api\/sync\/telehealth\/invitations\/([^/]+)\/recordings\/([^/]+)$/.exec(
      path,
    );
    if (req.method === 'POST' && answered) {
      const held = this.held.get(decodeURIComponent(answered[1]!));
      const outcome = RecordingOutcome.safeParse(body);
      const asked = held?.state.recordings.find((r) => r.id === answered[2]);
      if (!held || !asked) return send(404, { message: 'No such request for a recording.' });
      if (!outcome.success) return send(400, { message: 'bad outcome' });
      this.outcomes.push({ id: held.state.id, recordingId: asked.id, outcome: outcome.data });
      if (asked.status === 'asked') {
        Object.assign(
          asked,
          outcome.data.status === 'kept'
            ? { ...outcome.data, problem: null }
            : { status: 'refused', problem: outcome.data.problem },
        );
      }
      return send(200, held.state);
    }
    const match = /^\/api\/sync\/telehealth\/invitations\/([^/]+)(\/end)?$/.exec(path);
    const held = match ? this.held.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match || !held) return send(404, { message: 'No such invitation.' });
    if (req.method === 'GET' && !match[2]) return send(200, held.state);
    if (req.method === 'POST' && match[2]) {
      const end = EndInvitation.safeParse(body);
      if (!end.success) return send(400, { message: 'bad end' });
      this.ends.push({ id: held.state.id, end: end.data });
      if (held.state.status !== 'ended') {
        held.state.status = 'ended';
        held.state.endedAtMs = Date.now();
        held.state.endReason = end.data.reason;
        held.state.endedBy = end.data.by;
      }
      return send(200, held.state);
    }
    send(405, { message: 'no' });
  }
}

const standIn = new StandIn();
let store: Store;
let folder: string;
let enrolled = true;
const logged: string[] = [];
const bus = new Bus(() => {});
const beds = new Map<string, BedState>();
for (const n of [1, 2, 3, 4, 5, 6, 7])
  beds.set(`bed-${n}`, new BedState(`bed-${n}`, `Bed ${n}`, ADULT_DEFAULTS));
let admissions: Admissions;
const relayed: { bedId: string; frames: number }[] = [];

function service(): RemoteConsults {
  return new RemoteConsults({
    beds,
    bus,
    store,
    link: () => (enrolled ? { serverUrl: standIn.url, credential: CREDENTIAL } : null),
    relayAudio: (bedId, frames) => {
      relayed.push({ bedId, frames: frames.length });
      return frames.length;
    },
    saveRecording: (recording) =>
      soundRecordingHandlers(store, (id) => beds.get(id)!).saveSoundRecording(recording, {
        actor: 'test',
      }),
    pollEveryMs: 40,
    maxBackoffMs: 150,
    timeoutMs: 1_000,
    log: (message) => logged.push(message),
  });
}
let consults: RemoteConsults;

async function admit(bedId: string, mrn: string, givenName = 'Alice') {
  return admissions.admit(
    { bedId, mrn, familyName: 'Test', givenName, birthDate: '1950-01-02', category: 'adult' },
    'Nurse Ada',
  );
}

async function until<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, what: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`still waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function refusal(work: Promise<unknown>): Promise<Error> {
  const error = await work.then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(Error);
  return error!;
}

/** Rows queued for the central server (lane 0: annotations and audit entries), as they go. */
async function queued(table: 'annotations' | 'audit_events') {
  const batch = await store.outbox.readBatch(0, 1 << 26, 100_000);
  return batch.rows.filter((r) => r.table === table).map((r) => r.row);
}

const invite = (bedId: string, consent = { givenBy: 'patient' as const }) =>
  consults.invite({ bedId, minutes: 30, consent }, 'Nurse Ada');

beforeAll(async () => {
  await standIn.start();
  const dir = await freshStoreDir('ws-telehealth-');
  folder = dir.folder;
  store = await openStore({ dataDir: dir.dataDir, workstationId: 'ws-telehealth' });
  admissions = new Admissions({
    beds,
    bedForLabel: (label) => [...beds.values()].find((b) => b.label === label)!,
    store,
    bus,
    now: () => Date.now(),
    emptyBedCategory: 'adult',
  });
  consults = await service().start();
}, 120_000);

afterAll(async () => {
  await consults?.stop();
  await store?.close();
  await standIn.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('remote consults at the workstation', () => {
  it('invites with consent: the link and code reach the bed, the server has the consent', async () => {
    const patient = await admit('bed-1', 'TH-0001');
    const events: RemoteConsult[][] = [];
    const off = consults.subscribe('bed-1', (event) => events.push(event.consults));
    expect(events.at(-1)).toEqual([]);
    const made = await consults.invite(
      {
        bedId: 'bed-1',
        minutes: 30,
        consent: { givenBy: 'representative', representative: REPRESENTATIVE },
        viewerUsername: ' Dr.Remote ',
      },
      'Nurse Ada',
    );
    expect(made).toMatchObject({
      status: 'waiting',
      bedId: 'bed-1',
      patientId: patient.id,
      code: '12345678',
      invitedBy: 'Nurse Ada',
      viewerUsername: 'dr.remote',
      consent: {
        givenBy: 'representative',
        representative: REPRESENTATIVE,
        recordedBy: 'Nurse Ada',
      },
    });
    expect(made.url).toContain('/telehealth/#t=');
    expect(events.at(-1)).toEqual([made]);
    const sent = standIn.creates.at(-1)!;
    expect(sent).toMatchObject({
      id: made.id,
      bedId: 'bed-1',
      bedLabel: 'Bed 1',
      patientId: patient.id,
      minutes: 30,
      invitedBy: 'Nurse Ada',
      viewerUsername: 'dr.remote',
      consent: {
        givenBy: 'representative',
        representative: REPRESENTATIVE,
        recordedBy: 'Nurse Ada',
      },
    });
    const audits = await queued('audit_events');
    const invited = audits.find((a) => a.action === 'telehealth-invited');
    expect(invited).toMatchObject({
      actor: 'Nurse Ada',
      subject: `patientId=${patient.id} bedId=bed-1`,
    });
    expect(String(invited!.detail)).toContain(
      `consent given by their representative, ${REPRESENTATIVE}, recorded by Nurse Ada`,
    );
    expect(String(invited!.detail)).toContain('30 min');
    off();
  });

  it('refuses without consent, for an empty bed, when not enrolled or unreachable: in sentences, nothing made', async () => {
    await admit('bed-2', 'TH-0002');
    const noConsent = await refusal(
      consults.invite({ bedId: 'bed-2', minutes: 15, consent: undefined }, 'Nurse Ada'),
    );
    expect(noConsent.message).toBe(telehealthWords.noConsent);
    const noName = await refusal(invite('bed-2', { givenBy: 'representative' } as never));
    expect(noName.message).toBe(telehealthWords.noRepresentative);
    const badAccount = await refusal(
      consults.invite(
        { bedId: 'bed-2', minutes: 15, consent: { givenBy: 'patient' }, viewerUsername: 'x' },
        'Nurse Ada',
      ),
    );
    expect(badAccount.message).toBe(telehealthWords.badViewerUsername);
    const empty = await refusal(invite('bed-3'));
    expect(empty.message).toBe(telehealthWords.emptyBed('Bed 3'));
    enrolled = false;
    const notEnrolled = await refusal(invite('bed-2'));
    enrolled = true;
    expect(notEnrolled.message).toBe(
      'This workstation is not connected to a central server: remote consults go through it. IT enrols it in Settings.',
    );
    // Through the api: the same sentence as the request's refusal.
    const api = telehealthHandlers(consults);
    const viaApi = await refusal(
      Promise.resolve().then(() =>
        api.requests.inviteRemoteClinician(
          { bedId: 'bed-3', minutes: 15, consent: { givenBy: 'patient' } },
          { actor: 'Nurse Ada' },
        ),
      ),
    );
    expect(viaApi).toBeInstanceOf(ApiError);
    expect(viaApi.message).toBe(telehealthWords.emptyBed('Bed 3'));

    const before = standIn.creates.length;
    standIn.down = true;
    const events: RemoteConsult[][] = [];
    const off = consults.subscribe('bed-2', (event) => events.push(event.consults));
    const unreachable = await refusal(invite('bed-2'));
    standIn.down = false;
    off();
    expect(unreachable.message).toMatch(
      /^The central server cannot be reached \(.+\): no invitation was made\./,
    );
    expect(standIn.creates.length).toBe(before);
    expect(events.at(-1)).toEqual([]);
    expect(consults.list('bed-2')).toEqual([]);
    const kept = await store.readTelehealthConsults();
    expect(kept.filter((k) => k.bedId === 'bed-2')).toEqual([]);
  });

  it('picks up the viewer and the notes by polling; each note is kept once, as an annotation', async () => {
    const made = consults.list('bed-1')[0]!;
    standIn.viewer(made.id, 'Dr Remote', [NOTE_TEXT]);
    const watching = await until(
      () => consults.list('bed-1')[0]!,
      (c) => c.status === 'watching' && c.notes.length === 1,
      'the viewer and the note',
    );
    expect(watching).toMatchObject({
      url: null,
      code: null,
      viewer: { name: 'Dr Remote', connected: true },
    });
    expect(watching.checkedAtMs).not.toBeNull();
    // Polled many more times: still one row.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const annotations = await store.readAnnotations('bed-1', 0, Date.now() + 60_000);
    const notes = annotations.filter((a) => a.kind === CONSULT_NOTE_KIND);
    expect(notes).toEqual([
      expect.objectContaining({ text: NOTE_TEXT, actor: 'Dr Remote (remote clinician)' }),
    ]);
    // Queued for the central server like every annotation, its text plain on the wire.
    expect((await queued('annotations')).filter((a) => a.kind === CONSULT_NOTE_KIND)).toEqual([
      expect.objectContaining({
        text: NOTE_TEXT,
        actor: 'Dr Remote (remote clinician)',
        bed_id: 'bed-1',
      }),
    ]);
    const audits = await queued('audit_events');
    expect(audits.filter((a) => a.action === 'telehealth-viewer-opened')).toEqual([
      expect.objectContaining({ actor: 'Dr Remote (remote clinician)' }),
    ]);
    expect(audits.filter((a) => a.action === 'telehealth-note-received')).toHaveLength(1);
    // The link is never kept once opened.
    const kept = (await store.readTelehealthConsults()).find((k) => k.id === made.id)!;
    expect(kept.state).toMatchObject({ url: null, code: null, status: 'watching' });

    // A second note: kept too, the first not again.
    standIn.viewer(made.id, 'Dr Remote', ['Second note.']);
    await until(
      () => consults.list('bed-1')[0]!.notes.length,
      (n) => n === 2,
      'the second note',
    );
    const after = (await store.readAnnotations('bed-1', 0, Date.now() + 60_000)).filter(
      (a) => a.kind === CONSULT_NOTE_KIND,
    );
    expect(after.map((a) => a.text).sort()).toEqual([NOTE_TEXT, 'Second note.'].sort());

    // Review's event list (the bed's alarm log) shows them in their place in time.
    const alarms = alarmHandlers(bus, (id) => beds.get(id)!, store, { now: () => Date.now() });
    const log = await alarms.getAlarmLog({ bedId: 'bed-1' }, undefined as never);
    const shown = log.filter((item) => item.code === CONSULT_NOTE_KIND);
    expect(shown.map((item) => item.message).sort()).toEqual(
      [
        `Dr Remote (remote clinician): ${NOTE_TEXT}`,
        'Dr Remote (remote clinician): Second note.',
      ].sort(),
    );
    expect(shown.every((item) => item.event === 'consult note')).toBe(true);
  });

  it('shares auscultation only while watched, audited once', async () => {
    const frame = {
      seq: 1,
      atMs: Date.now(),
      codec: 'opus' as const,
      sampleRateHz: 48000,
      channels: 1 as const,
      durationUs: 20_000,
      data: 'AAAA',
    };
    expect(
      await consults.sendAuscultation('bed-1', [frame, { ...frame, seq: 2 }], 'Nurse Ada'),
    ).toBe(2);
    expect(await consults.sendAuscultation('bed-1', [{ ...frame, seq: 3 }], 'Nurse Ada')).toBe(1);
    expect(relayed).toEqual([
      { bedId: 'bed-1', frames: 2 },
      { bedId: 'bed-1', frames: 1 },
    ]);
    const shared = (await queued('audit_events')).filter(
      (a) => a.action === 'telehealth-auscultation-shared',
    );
    expect(shared).toHaveLength(1);
    const notWatched = await refusal(consults.sendAuscultation('bed-2', [frame], 'Nurse Ada'));
    expect(notWatched.message).toBe(telehealthWords.notWatching('Bed 2'));
  });

  it('keeps the recording the remote clinician asked for like a local one, and tells the server', async () => {
    const made = consults.list('bed-1')[0]!;
    const frame = {
      seq: 10,
      atMs: Date.now(),
      codec: 'opus' as const,
      sampleRateHz: 2000,
      channels: 1 as const,
      durationUs: 20_000,
      data: 'AAAA',
    };
    await consults.sendAuscultation('bed-1', [frame], 'Nurse Ada'); // the stethoscope sounds
    const recordingId = standIn.askRecording(made.id, 30, 'Dr Remote');
    const asked = await until(
      () => consults.list('bed-1')[0]!.recordings,
      (r) => r.length === 1,
      'the request shown at the bed',
    );
    expect(asked[0]).toMatchObject({ id: recordingId, status: 'asked', seconds: 30 });

    // The bedside's panel keeps the sound it shares (a real heart sound, 2 kHz).
    const wav = new Uint8Array(
      readFileSync(join(import.meta.dirname, '../../../test/fixtures/heart-sounds/a0007.wav')),
    );
    const api = telehealthHandlers(consults).requests;
    const answer = {
      bedId: 'bed-1',
      consultId: made.id,
      recordingId,
      sound: {
        rateHz: decodeWav(wav).rateHz,
        startedAt: Date.now() - 35_000,
        wavBase64: bytesToBase64(wav),
      },
    };
    const kept = await api.keepRemoteRecording(answer, { actor: 'Nurse Ada' });
    expect(kept).toMatchObject({ id: recordingId, status: 'kept', problem: null });
    expect(kept.durationS).toBeCloseTo(35.7, 1);
    expect(kept.heartRateBpm).toBeGreaterThan(69.7);
    expect(kept.heartRateBpm).toBeLessThan(73.7);
    // In the bed's recordings, like a local one: the patient, the heart rate, who asked for it.
    const recordings = await store.listSoundRecordings('bed-1');
    const stored = recordings.find((r) => r.label === 'Asked for by Dr Remote remotely')!;
    expect(stored).toMatchObject({
      mode: 'raw',
      heartRateBpm: kept.heartRateBpm,
      patient: expect.objectContaining({ mrn: 'TH-0001' }),
    });
    // Told to the server, which the remote side reads.
    await until(
      () => standIn.held.get(made.id)!.state.recordings[0]!.status,
      (status) => status === 'kept',
      'the server told',
    );
    expect(standIn.outcomes.filter((o) => o.recordingId === recordingId)).toEqual([
      {
        id: made.id,
        recordingId,
        outcome: expect.objectContaining({ status: 'kept', heartRateBpm: kept.heartRateBpm }),
      },
    ]);
    // Twice: refused, nothing kept again.
    const twice = await refusal(
      Promise.resolve().then(() => api.keepRemoteRecording(answer, { actor: 'Nurse Ada' })),
    );
    expect(twice.message).toBe(telehealthWords.recordingAnswered);
    const unknown = await refusal(
      Promise.resolve().then(() =>
        api.keepRemoteRecording(
          { ...answer, recordingId: crypto.randomUUID() },
          { actor: 'Nurse Ada' },
        ),
      ),
    );
    expect(unknown.message).toBe(telehealthWords.noSuchRecording('Bed 1'));
    expect((await store.listSoundRecordings('bed-1')).length).toBe(recordings.length);
    // Asked for from here: refused (the nurse presses Record).
    expect(() =>
      api.askRemoteRecording({ bedId: 'bed-1', seconds: 10 }, { actor: 'Nurse Ada' }),
    ).toThrow(telehealthWords.askedRemotely);
    const audits = await queued('audit_events');
    expect(audits.filter((a) => a.action === 'telehealth-recording-asked')).toEqual([
      expect.objectContaining({ actor: 'Dr Remote (remote clinician)' }),
    ]);
    expect(audits.filter((a) => a.action === 'telehealth-recording-kept')).toEqual([
      expect.objectContaining({ actor: 'Nurse Ada', detail: expect.stringContaining(stored.id) }),
    ]);
    // Queued for the central server like every recording.
    const batch = await store.outbox.readBatch(0, 1 << 26, 100_000);
    const lanes = await Promise.all(
      ([1, 2] as const).map((lane) => store.outbox.readBatch(lane, 1 << 26, 100_000)),
    );
    const all = [batch, ...lanes].flatMap((b) => b.rows);
    expect(all.some((r) => r.table === 'sound_recordings' && r.row.id === stored.id)).toBe(true);
  });

  it('ends at the bed: the server is told, the bed shows it ended, audited with who and why', async () => {
    const made = consults.list('bed-1')[0]!;
    const ended = await consults.end({ bedId: 'bed-1', consultId: made.id }, 'Nurse Ada');
    expect(ended).toMatchObject({
      status: 'ended',
      endReason: 'ended-at-bed',
      endedBy: 'Nurse Ada',
      problem: null,
    });
    expect(standIn.ends.filter((e) => e.id === made.id)).toEqual([
      { id: made.id, end: { reason: 'ended-at-bed', by: 'Nurse Ada' } },
    ]);
    expect(standIn.held.get(made.id)!.state.status).toBe('ended');
    const audit = (await queued('audit_events')).filter((a) => a.action === 'telehealth-ended');
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'Nurse Ada',
        subject: expect.stringContaining('bedId=bed-1'),
      }),
    ]);
    expect(String(audit[0]!.detail)).toContain('Dr Remote watched for');
    // Still listed for this stay, ended.
    expect(consults.list('bed-1').map((c) => c.status)).toEqual(['ended']);
  });

  it('refuses a recording when no stethoscope sounds, and the end stops one asked for', async () => {
    const made = await invite('bed-2');
    standIn.viewer(made.id, 'Dr Quiet');
    await until(
      () => consults.list('bed-2')[0]!.status,
      (s) => s === 'watching',
      'watching',
    );
    // Nothing was ever shared from bed 2: refused at once, and the server told why.
    const silent = standIn.askRecording(made.id, 10, 'Dr Quiet');
    await until(
      () => standIn.held.get(made.id)!.state.recordings[0]!,
      (r) => r.status === 'refused',
      'the refusal told to the server',
    );
    expect(standIn.held.get(made.id)!.state.recordings[0]!.problem).toBe(
      telehealthWords.notSounding('Bed 2'),
    );
    expect(consults.list('bed-2')[0]!.recordings[0]).toMatchObject({
      id: silent,
      status: 'refused',
    });
    // Sounding (frames every 100 ms, as the panel sends them), asked, then the nurse's End now:
    // nothing is kept after it.
    const sound = () =>
      void consults
        .sendAuscultation(
          'bed-2',
          [
            {
              seq: 1,
              atMs: Date.now(),
              codec: 'opus',
              sampleRateHz: 2000,
              channels: 1,
              durationUs: 20_000,
              data: 'AAAA',
            },
          ],
          'Nurse Ada',
        )
        .catch(() => undefined);
    sound();
    const sounding = setInterval(sound, 100);
    const open = standIn.askRecording(made.id, 10, 'Dr Quiet');
    await until(
      () => consults.list('bed-2')[0]!.recordings,
      (r) => r.some((x) => x.id === open && x.status === 'asked'),
      'the second request shown',
    );
    await consults.end({ bedId: 'bed-2', consultId: made.id }, 'Nurse Ada');
    clearInterval(sounding);
    expect(consults.list('bed-2')[0]!.recordings.find((x) => x.id === open)).toMatchObject({
      status: 'refused',
      problem: telehealthWords.consultEndedBeforeKept,
    });
    const late = await refusal(
      consults.keepRecording(
        { bedId: 'bed-2', consultId: made.id, recordingId: open, problem: 'x' },
        'Nurse Ada',
      ),
    );
    expect(late.message).toBe(telehealthWords.consultEndedBeforeKept);
  });

  it('ends here at once when the server is down, and tells it once it answers', async () => {
    await admit('bed-4', 'TH-0004');
    const made = await invite('bed-4');
    standIn.down = true;
    const ended = await consults.end({ bedId: 'bed-4', consultId: made.id }, 'Nurse Bea');
    expect(ended).toMatchObject({
      status: 'ended',
      endReason: 'ended-at-bed',
      endedBy: 'Nurse Bea',
    });
    expect(ended.problem).toMatch(/^Ended here, but the central server could not be told yet/);
    expect(standIn.ends.filter((e) => e.id === made.id)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(standIn.held.get(made.id)!.state.status).toBe('waiting');
    standIn.down = false;
    await until(
      () => standIn.ends.filter((e) => e.id === made.id),
      (ends) => ends.length === 1,
      'the end told to the server',
    );
    expect(standIn.ends.find((e) => e.id === made.id)!.end).toEqual({
      reason: 'ended-at-bed',
      by: 'Nurse Bea',
    });
    await until(
      () => consults.list('bed-4')[0]!.problem,
      (p) => p === null,
      'the problem cleared',
    );
    // Told once: nothing more is sent about it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(standIn.ends.filter((e) => e.id === made.id)).toHaveLength(1);
  });

  it('ends with patient-left at a discharge; the next patient in the bed sees none of it', async () => {
    await admit('bed-5', 'TH-0005');
    const made = await invite('bed-5');
    const events: RemoteConsult[][] = [];
    const off = consults.subscribe('bed-5', (event) => events.push(event.consults));
    expect(events.at(-1)).toHaveLength(1);
    await admissions.discharge('bed-5', 'Nurse Ada');
    await until(
      () => standIn.held.get(made.id)!.state,
      (s) => s.status === 'ended',
      'the consult ended at the server',
    );
    expect(standIn.ends.find((e) => e.id === made.id)!.end.reason).toBe('patient-left');
    await until(
      () => events.at(-1)!,
      (list) => list.length === 0,
      'the bed listing nothing',
    );
    await admit('bed-5', 'TH-0055', 'Bob');
    expect(consults.list('bed-5')).toEqual([]);
    expect(events.at(-1)).toEqual([]);
    const ended = (await queued('audit_events')).find(
      (a) => a.action === 'telehealth-ended' && String(a.subject).includes('bedId=bed-5'),
    );
    expect(String(ended!.detail)).toContain('patient-left');
    off();
  });

  it('shows a consult ended when its time is up, even while the server cannot be reached', async () => {
    await admit('bed-6', 'TH-0006');
    standIn.lastsMs = 600;
    const made = await invite('bed-6');
    standIn.lastsMs = null;
    standIn.down = true;
    const expired = await until(
      () => consults.list('bed-6')[0]!,
      (c) => c.status === 'ended' && c.problem !== null,
      'the consult shown expired',
    );
    standIn.down = false;
    expect(expired).toMatchObject({ endReason: 'expired', url: null, code: null });
    expect(expired.endedAtMs).toBe(made.expiresAtMs);
  });

  it('goes on asking after a restart, from what the store kept', async () => {
    await admit('bed-7', 'TH-0007');
    const made = await invite('bed-7');
    await consults.stop();
    standIn.viewer(made.id, 'Dr Later', ['Written while the workstation was restarting.']);
    consults = await service().start();
    const resumed = await until(
      () => consults.list('bed-7')[0],
      (c) => c?.status === 'watching' && c.notes.length === 1,
      'the consult picked up again',
    );
    expect(resumed!.viewer!.name).toBe('Dr Later');
    // The bed-1 consult of the first test is still there, ended, with its notes.
    expect(consults.list('bed-1')[0]).toMatchObject({
      status: 'ended',
      notes: [expect.anything(), expect.anything()],
    });
  });

  it('keeps the notes and the consent sealed on disk', async () => {
    await consults.stop();
    await store.close();
    expect(stringsFind(folder, [NOTE_TEXT, REPRESENTATIVE])).toEqual([]);
    expect(logged.filter((l) => /cannot be read|could not/.test(l))).toEqual([]);
  });
});
