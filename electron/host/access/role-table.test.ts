// Generated from the table (shared/security/access.ts): for every role and every request and
// stream of the contract, a signed-in screen of that role either reaches the handler or is
// refused with 'forbidden', exactly as ROLE_PERMISSIONS and requiredPermission say. Calls go
// through the real router wherever one of a few sample inputs is valid for the request; the rest
// ask the screen directly, with the permission the router would ask for. A request added to the
// contract is tried here without anyone writing a line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests, streams, type RequestName, type StreamName } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import {
  MONITORING_ONLY,
  REQUEST_PERMISSION,
  requiredPermission,
  Role,
  ROLE_PERMISSIONS,
  STREAM_PERMISSION,
  type Permission,
} from '../../../shared/security/access';
import { createRouter, type ApiHandlers, type CallAudit } from '../api/router';
import { accessRig, withAdministrator, type AccessRig } from './access.test-support';
import type { ScreenSession } from './screen-session';

/** Inputs tried in turn; the first the request's schema accepts goes through the router. */
const SAMPLE_INPUTS: readonly Record<string, unknown>[] = [
  {},
  { bedId: 'bed-1' },
  { bedId: 'bed-1', alarmId: 'alarm-1' },
  { bedId: 'bed-1', mode: 'paused' },
  { bedId: 'bed-1', mode: 'on' },
  { query: 'example' },
  { deviceId: 'device-1' },
  { patientId: 'patient-1' },
  { id: 'item-1' },
  { exportId: 'export-1' },
  { recordingId: 'recording-1' },
  { userId: 'user-1', disabled: true },
  { username: 'someone', password: 'some-password' },
  { pin: '1234' },
];

/** Every request with each sample input it accepts (setAlarmAudio: paused and on, two rules). */
interface Case {
  name: RequestName;
  input: Record<string, unknown> | null;
}
const CASES: Case[] = (Object.keys(requests) as RequestName[]).flatMap((name): Case[] => {
  const valid = SAMPLE_INPUTS.filter((input) => requests[name].input.safeParse(input).success);
  const distinct = valid.filter(
    (input, i) =>
      valid.findIndex(
        (other) => requiredPermission(name, other) === requiredPermission(name, input),
      ) === i,
  );
  return distinct.length > 0 ? distinct.map((input) => ({ name, input })) : [{ name, input: null }];
});

const stubHandlers = (): ApiHandlers =>
  ({
    requests: Object.fromEntries(Object.keys(requests).map((name) => [name, () => ({})])),
    streams: Object.fromEntries(Object.keys(streams).map((name) => [name, () => () => undefined])),
  }) as unknown as ApiHandlers;

const PASSWORD = 'role-table-password';
const SIGNED_IN: readonly Role[] = Role.options.filter((role) => role !== 'remote-clinician');

/** What a screen of this role is allowed (a remote clinician stays unidentified: refused). */
const allowedFor = (role: Role): readonly Permission[] =>
  role === 'remote-clinician' ? MONITORING_ONLY : ROLE_PERMISSIONS[role];
const refusalFor = (role: Role) => (role === 'remote-clinician' ? 'sign_in_required' : 'forbidden');

let rig: AccessRig;
const screens = new Map<Role, ScreenSession>();
const audited: CallAudit[] = [];
const router = createRouter(stubHandlers(), () => undefined, { audit: (e) => audited.push(e) });

beforeAll(async () => {
  rig = await accessRig();
  const admin = await withAdministrator(rig.access);
  screens.set('it-administrator', admin);
  for (const role of Role.options) {
    if (role === 'it-administrator') continue;
    await rig.access.addAccount(
      { username: role, displayName: `Test ${role}`, role, password: PASSWORD },
      { actor: 'test', from: 'the test' },
    );
    const screen = rig.access.openScreen('page', `screen of ${role}`);
    if (SIGNED_IN.includes(role)) await rig.access.signIn(screen, role, PASSWORD);
    screens.set(role, screen);
  }
});
afterAll(() => rig.close());

describe('the table covers the contract', () => {
  it('has a rule for every request and stream, and none for a name not in the contract', () => {
    expect(Object.keys(REQUEST_PERMISSION).sort()).toEqual(Object.keys(requests).sort());
    expect(Object.keys(STREAM_PERMISSION).sort()).toEqual(Object.keys(streams).sort());
  });

  it('tries most requests through the router (the rest ask the screen directly)', () => {
    const throughRouter = new Set(CASES.filter((c) => c.input !== null).map((c) => c.name));
    expect(throughRouter.size).toBeGreaterThanOrEqual(25);
    // Every kind of permission is tried through the router at least once.
    const permissions = new Set(
      CASES.filter((c) => c.input !== null).map((c) => requiredPermission(c.name, c.input)),
    );
    expect([...permissions].sort()).toEqual([...new Set(Object.values(REQUEST_PERMISSION))].sort());
  });
});

describe.each(Role.options)('a screen of a %s', (role) => {
  it('is signed in as the role, or (a remote clinician) refused at the workstation', async () => {
    const screen = screens.get(role)!;
    if (role === 'remote-clinician') {
      const refused = await rig.access.signIn(screen, role, PASSWORD).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).code).toBe('forbidden');
      expect(screen.access().principal).toBe('unidentified');
    } else {
      expect(screen.access()).toMatchObject({ principal: 'user', user: { role } });
    }
  });

  it.each(CASES.map((c) => [c.input === null ? `${c.name} (screen)` : c.name, c] as const))(
    '%s: allowed or refused as the table says',
    async (_label, { name, input }) => {
      const screen = screens.get(role)!;
      const permission =
        input === null ? REQUEST_PERMISSION[name] : requiredPermission(name, input);
      const allowed = allowedFor(role).includes(permission);
      let outcome: unknown;
      try {
        outcome =
          input === null
            ? screen.authorize(permission, name)
            : await router.request(name, input, { actor: 'test', screen });
      } catch (error) {
        outcome = error;
      }
      if (allowed) {
        expect(outcome).not.toBeInstanceOf(Error);
      } else {
        expect(outcome).toBeInstanceOf(ApiError);
        expect((outcome as ApiError).code).toBe(refusalFor(role));
      }
    },
  );

  it.each(Object.keys(streams) as StreamName[])('stream %s: as the table says', (name) => {
    const screen = screens.get(role)!;
    const permission = STREAM_PERMISSION[name];
    const input = SAMPLE_INPUTS.find((i) => streams[name].input.safeParse(i).success);
    let outcome: unknown;
    try {
      outcome = input
        ? router.subscribe(name, input, () => undefined, { actor: 'test', screen })()
        : screen.authorize(permission, name);
    } catch (error) {
      outcome = error;
    }
    if (allowedFor(role).includes(permission)) expect(outcome).not.toBeInstanceOf(Error);
    else expect((outcome as ApiError).code).toBe(refusalFor(role));
  });
});

describe('what the router writes down', () => {
  it('audits an allowed change under the user’s name and a refusal under the screen’s', () => {
    const nurse = audited.find(
      (e) => e.action === 'acknowledgeAlarm' && e.actor === 'Test nurse (nurse)',
    );
    expect(nurse).toMatchObject({
      subject: 'bedId=bed-1 alarmId=alarm-1',
      detail: 'from screen of nurse',
    });
    const refused = audited.find(
      (e) => e.action === 'refused:acknowledgeAlarm' && e.actor === 'Test view-only (view-only)',
    );
    expect(refused).toBeDefined();
  });
});
