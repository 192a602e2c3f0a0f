// The update policy over every combination of what it is given, against the rules
// written out once more below; then the status lines a person reads, and the windows IT writes.
import { describe, expect, it } from 'vitest';
import {
  decideUpdate,
  insideWindow,
  parseMaintenanceWindow,
  type DownloadState,
  type InstallNowRequest,
  type MaintenanceWindow,
  type MonitoredBed,
  type PolicyInput,
} from './policy';

const RUNNING = '3.1.0';
const BED_DEVICE: MonitoredBed = { bedId: 'bed-1', label: 'Bed 1', patient: null, devices: 1 };
const BED_PATIENT: MonitoredBed = {
  bedId: 'bed-2',
  label: 'Bed 2',
  patient: 'DOE, Jane',
  devices: 0,
};

function window(text: string): MaintenanceWindow {
  const parsed = parseMaintenanceWindow(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const SUN_2_TO_4 = window('Sun 02:00–04:00');
const SAT_23_TO_1 = window('Sat 23:00–01:00');

const bedsCases: Record<string, MonitoredBed[]> = {
  none: [],
  device: [BED_DEVICE],
  patient: [BED_PATIENT],
  both: [BED_DEVICE, BED_PATIENT],
};
// Sunday 03:00 is inside the first window; Sunday 00:30 inside the crossing one; Tuesday outside.
const windowCases: Record<string, Pick<PolicyInput, 'windows' | 'now'>> = {
  none: { windows: [], now: { weekday: 0, minute: 180 } },
  inside: { windows: [SUN_2_TO_4], now: { weekday: 0, minute: 180 } },
  insideAcrossMidnight: { windows: [SAT_23_TO_1], now: { weekday: 0, minute: 30 } },
  outside: { windows: [SUN_2_TO_4, SAT_23_TO_1], now: { weekday: 2, minute: 180 } },
};
const offeredCases = { newer: '3.2.0', equal: RUNNING, older: '3.0.5' };
const minimumCases = { none: null, above: '3.0.0', below: '3.2.0' };
const downloadCases: Record<string, DownloadState> = {
  none: { kind: 'none' },
  downloading: { kind: 'downloading', receivedBytes: 50, totalBytes: 100 },
  ready: { kind: 'ready' },
  refused: { kind: 'refused', detail: 'the file does not match its signed sha512' },
};
const installNowCases: Record<string, (beds: MonitoredBed[]) => InstallNowRequest | null> = {
  none: () => null,
  nobodySignedIn: (beds) => ({ user: '', sawBedIds: beds.map((b) => b.bedId) }),
  sawAll: (beds) => ({ user: 'nurse.ada', sawBedIds: beds.map((b) => b.bedId) }),
  sawNone: () => ({ user: 'nurse.ada', sawBedIds: [] }),
};

/** The rules, written out independently of policy.ts. */
function expected(input: PolicyInput, names: Record<string, string>) {
  const offer = input.offer!;
  const newer = names.offered === 'newer';
  const sameChannel = offer.channel === input.channel;
  const required = names.minimum === 'below';
  const staged = required || input.stagingBucket < offer.rolloutPercent;
  const eligible = newer && sameChannel && staged && input.signingKey;
  const download = eligible && input.download.kind === 'none';
  if (!eligible || input.download.kind !== 'ready') return { download, install: 'none' };
  const bedsMonitored = input.monitoredBeds.length > 0;
  const request = input.installNow;
  if (request) {
    const sawAll = input.monitoredBeds.every((b) => request.sawBedIds.includes(b.bedId));
    return { download, install: request.user !== '' && sawAll ? 'now' : 'wait' };
  }
  if (bedsMonitored) return { download, install: 'wait' };
  if (input.quitting || names.window === 'inside' || names.window === 'insideAcrossMidnight')
    return { download, install: 'now' };
  return { download, install: 'on-quit' };
}

describe('decideUpdate over every combination', () => {
  it('follows the rules: downloads when offered to it, installs only when no bed is monitored or a signed-in user saw them all', () => {
    let cases = 0;
    let installsUnderPatient = 0;
    for (const [bedsName, beds] of Object.entries(bedsCases))
      for (const [windowName, when] of Object.entries(windowCases))
        for (const channel of ['same', 'other'])
          for (const staging of ['in', 'out'])
            for (const [minimumName, minimumVersion] of Object.entries(minimumCases))
              for (const [offeredName, version] of Object.entries(offeredCases))
                for (const [downloadName, download] of Object.entries(downloadCases))
                  for (const [requestName, request] of Object.entries(installNowCases))
                    for (const quitting of [false, true])
                      for (const signingKey of [true, false]) {
                        const input: PolicyInput = {
                          runningVersion: RUNNING,
                          channel: 'stable',
                          offer: {
                            version,
                            channel: channel === 'same' ? 'stable' : 'pilot',
                            rolloutPercent: 30,
                            minimumVersion,
                          },
                          stagingBucket: staging === 'in' ? 29 : 30,
                          download,
                          monitoredBeds: beds,
                          ...when,
                          signingKey,
                          installNow: request(beds),
                          quitting,
                        };
                        const names = {
                          beds: bedsName,
                          window: windowName,
                          minimum: minimumName,
                          offered: offeredName,
                          download: downloadName,
                          request: requestName,
                        };
                        const decision = decideUpdate(input);
                        const want = expected(input, names);
                        const label = JSON.stringify({
                          ...names,
                          channel,
                          staging,
                          quitting,
                          signingKey,
                        });
                        expect(
                          { download: decision.download, install: decision.install },
                          label,
                        ).toEqual(want);
                        expect(decision.status.length, label).toBeGreaterThan(0);
                        if (decision.install === 'now' && beds.length > 0) {
                          installsUnderPatient++;
                          expect(requestName, label).toBe('sawAll');
                        }
                        cases++;
                      }
    expect(cases).toBe(4 * 4 * 2 * 2 * 3 * 3 * 4 * 4 * 2 * 2);
    // Only the user's own choice, after seeing the beds, installs with a bed monitored.
    expect(installsUnderPatient).toBeGreaterThan(0);
  });

  it('never downgrades, even below the minimum version, and never reinstalls the running one', () => {
    for (const version of ['3.0.9', '3.1.0', '3.1.0-rc.1']) {
      const decision = decideUpdate({
        runningVersion: RUNNING,
        channel: 'pilot',
        offer: { version, channel: 'pilot', rolloutPercent: 100, minimumVersion: '9.0.0' },
        stagingBucket: 0,
        download: { kind: 'ready' },
        monitoredBeds: [],
        windows: [],
        now: { weekday: 1, minute: 0 },
        signingKey: true,
        installNow: { user: 'it.admin', sawBedIds: [] },
        quitting: true,
      });
      expect(decision.install, version).toBe('none');
      expect(decision.download, version).toBe(false);
    }
  });

  it('gives every staging bucket its turn: 0 % none, 100 % all, 50 % exactly buckets 0–49', () => {
    const offered = (rolloutPercent: number, bucket: number) =>
      decideUpdate({
        runningVersion: RUNNING,
        channel: 'stable',
        offer: { version: '3.2.0', channel: 'stable', rolloutPercent, minimumVersion: null },
        stagingBucket: bucket,
        download: { kind: 'none' },
        monitoredBeds: [],
        windows: [],
        now: { weekday: 1, minute: 0 },
        signingKey: true,
        installNow: null,
        quitting: false,
      }).download;
    const buckets = Array.from({ length: 100 }, (_, b) => b);
    expect(buckets.filter((b) => offered(0, b))).toEqual([]);
    expect(buckets.filter((b) => offered(100, b))).toEqual(buckets);
    expect(buckets.filter((b) => offered(50, b))).toEqual(buckets.slice(0, 50));
  });
});

describe('the status line', () => {
  const base: PolicyInput = {
    runningVersion: RUNNING,
    channel: 'stable',
    offer: { version: '3.2.0', channel: 'stable', rolloutPercent: 100, minimumVersion: null },
    stagingBucket: 5,
    download: { kind: 'ready' },
    monitoredBeds: [BED_PATIENT],
    windows: [SUN_2_TO_4],
    now: { weekday: 2, minute: 600 },
    signingKey: true,
    installNow: null,
    quitting: false,
  };

  it('says what the issue says while a patient is monitored', () => {
    expect(decideUpdate(base).status).toBe(
      'Update 3.2.0 ready — will install when no patient is monitored, or at the maintenance window',
    );
    expect(decideUpdate({ ...base, windows: [] }).status).toBe(
      'Update 3.2.0 ready — will install when no patient is monitored',
    );
  });

  it('waits inside the maintenance window while a bed is monitored', () => {
    const inside = decideUpdate({ ...base, now: { weekday: 0, minute: 150 } });
    expect(inside.install).toBe('wait');
  });

  it('names the bed that began to be monitored after the list was shown', () => {
    const decision = decideUpdate({
      ...base,
      monitoredBeds: [BED_PATIENT, BED_DEVICE],
      installNow: { user: 'nurse.ada', sawBedIds: ['bed-2'] },
    });
    expect(decision.install).toBe('wait');
    expect(decision.status).toContain('Bed 1 began to be monitored');
  });

  it('says who asked, and that a required update is required', () => {
    const decision = decideUpdate({
      ...base,
      offer: { ...base.offer!, rolloutPercent: 0, minimumVersion: '3.2.0' },
      installNow: { user: 'nurse.ada', sawBedIds: ['bed-2'] },
    });
    expect(decision.required).toBe(true);
    expect(decision.status).toBe('Installing required update 3.2.0 — asked by nurse.ada');
  });

  it('says there is no signing key, and downloads nothing', () => {
    const decision = decideUpdate({ ...base, signingKey: false, download: { kind: 'none' } });
    expect(decision.download).toBe(false);
    expect(decision.status).toContain('no update signing key is built into this workstation');
  });

  it('shows the download progress and the turn not yet come', () => {
    expect(
      decideUpdate({ ...base, download: { kind: 'downloading', receivedBytes: 1, totalBytes: 3 } })
        .status,
    ).toBe('Update 3.2.0 downloading — 33 %');
    expect(
      decideUpdate({ ...base, offer: { ...base.offer!, rolloutPercent: 5 } }).status,
    ).toContain("this workstation's turn has not come yet");
  });

  it('says nothing is offered when there is no feed', () => {
    expect(decideUpdate({ ...base, offer: null })).toMatchObject({
      download: false,
      install: 'none',
      status: 'Version 3.1.0',
    });
  });
});

describe('maintenance windows', () => {
  it('reads the ways IT writes them', () => {
    expect(parseMaintenanceWindow('Sun 02:00–04:00')).toMatchObject({
      weekday: 0,
      startMinute: 120,
      endMinute: 240,
    });
    expect(parseMaintenanceWindow('saturday 23:30 - 24:00')).toMatchObject({
      weekday: 6,
      startMinute: 1410,
      endMinute: 0,
    });
    expect(parseMaintenanceWindow('Daily 3:00 to 3:30')).toMatchObject({ weekday: null });
    for (const bad of ['Sun', 'Funday 02:00–04:00', 'Sun 25:00–04:00', 'Sun 02:00–02:00', '']) {
      expect(typeof parseMaintenanceWindow(bad), bad).toBe('string');
    }
  });

  it('is open from its start to its end, across midnight into the next day', () => {
    const at = (weekday: number, hh: number, mm = 0) => ({ weekday, minute: hh * 60 + mm });
    expect(insideWindow([SUN_2_TO_4], at(0, 1, 59))).toBe(false);
    expect(insideWindow([SUN_2_TO_4], at(0, 2))).toBe(true);
    expect(insideWindow([SUN_2_TO_4], at(0, 3, 59))).toBe(true);
    expect(insideWindow([SUN_2_TO_4], at(0, 4))).toBe(false);
    expect(insideWindow([SUN_2_TO_4], at(1, 3))).toBe(false);
    expect(insideWindow([SAT_23_TO_1], at(6, 22, 59))).toBe(false);
    expect(insideWindow([SAT_23_TO_1], at(6, 23))).toBe(true);
    expect(insideWindow([SAT_23_TO_1], at(0, 0, 59))).toBe(true);
    expect(insideWindow([SAT_23_TO_1], at(0, 1))).toBe(false);
    expect(insideWindow([SAT_23_TO_1], at(0, 23, 30))).toBe(false);
    const daily = window('Daily 23:00–01:00');
    for (let day = 0; day < 7; day++) expect(insideWindow([daily], at(day, 0, 30))).toBe(true);
    expect(insideWindow([], at(0, 3))).toBe(false);
  });
});
