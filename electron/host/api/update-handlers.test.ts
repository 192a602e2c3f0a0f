// "Install now" through the real router and the real access (accounts in a real store): only a
// signed-in user whose role has 'system' (IT administrator, biomedical engineer) reaches the
// updater, named as who chose it, with the beds they were shown in the log; nobody signed in is
// asked to sign in, a script's token and a workstation without accounts are refused here (a
// nurse's refusal is the table's, tried for every role by access/role-table.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests, streams } from '../../../shared/api/contract';
import type { UpdateStatus } from '../../../shared/api/contract-update';
import { ApiError } from '../../../shared/api/errors';
import { accessRig, withAdministrator, type AccessRig } from '../access/access.test-support';
import { createRouter, type ApiHandlers } from './router';
import { installRoleWords } from '../../../shared/update/install-roles';
import { updateHandlers, type Updates } from './update-handlers';

const STATUS: UpdateStatus = {
  state: 'ready',
  runningVersion: '3.1.0',
  offeredVersion: '3.2.0',
  line: 'Update 3.2.0 ready — will install when no patient is monitored, or at the maintenance window',
  progress: null,
  installable: true,
  monitoredBeds: [{ bedId: 'bed-1', label: 'Bed 1', patient: 'DOE, Jane', devices: 1 }],
  required: false,
};
const PASSWORD = 'update-handlers-password';

let rig: AccessRig;
const asked: Array<{ user: string; sawBedIds: readonly string[] }> = [];
const logged: string[] = [];
const updates: Updates = {
  status: () => STATUS,
  subscribe: (listener) => {
    listener(STATUS);
    return () => undefined;
  },
  installNow: async (request) => {
    asked.push(request);
    return { installing: true, status: { ...STATUS, state: 'installing' } };
  },
};

function routerFor() {
  const handlers = {
    requests: Object.fromEntries(Object.keys(requests).map((name) => [name, () => ({})])),
    streams: Object.fromEntries(Object.keys(streams).map((name) => [name, () => () => undefined])),
  } as unknown as ApiHandlers;
  const update = updateHandlers(updates, (line) => logged.push(line));
  Object.assign(handlers.requests, update.requests);
  return createRouter(handlers, () => undefined);
}
const router = routerFor();

async function refusal(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

beforeAll(async () => {
  rig = await accessRig();
});
afterAll(async () => {
  await rig?.close();
});

describe('"Install now"', () => {
  it('names the roles the access table gives "system"', () => {
    expect(installRoleWords()).toBe('biomedical engineer or IT administrator');
  });

  it('is refused on a workstation without accounts yet (its screens may manage it; nobody is signed in)', async () => {
    const unset = rig.access.openScreen('page', 'new workstation');
    const byUnset = await refusal(
      router.request('installUpdateNow', { sawBedIds: [] }, { actor: 'b', screen: unset }),
    );
    expect(byUnset.code).toBe('forbidden');
    expect(byUnset.message).toContain('creates its administrator first');
    expect(asked).toEqual([]);
  });
});

describe('"Install now" with accounts', () => {
  beforeAll(async () => {
    await withAdministrator(rig.access);
    // A nurse's refusal is the table's (role-table.test.ts tries every request as every role).
    for (const role of ['biomedical-engineer'] as const) {
      await rig.access.addAccount(
        { username: role, displayName: `Test ${role}`, role, password: PASSWORD },
        { actor: 'test', from: 'the test' },
      );
    }
  });

  it('goes through for a signed-in biomedical engineer or IT administrator, named in the log with the beds shown', async () => {
    const biomed = rig.access.openScreen('page', 'desk');
    await rig.access.signIn(biomed, 'biomedical-engineer', PASSWORD);
    const answer = await router.request(
      'installUpdateNow',
      { sawBedIds: ['bed-1'] },
      { actor: 'browser', screen: biomed },
    );
    expect(answer).toMatchObject({ installing: true, status: { state: 'installing' } });
    expect(asked.at(-1)).toEqual({ user: biomed.actor(), sawBedIds: ['bed-1'] });
    expect(biomed.actor()).toMatch(/Test biomedical-engineer/);
    expect(logged.at(-1)).toBe(
      `update: "Install now" chosen by ${biomed.actor()} having seen 1 monitored bed(s) (Bed 1): installing`,
    );

    const admin = await withAdministratorScreen();
    await router.request(
      'installUpdateNow',
      { sawBedIds: [] },
      { actor: 'browser', screen: admin },
    );
    expect(asked.at(-1)!.user).toBe(admin.actor());
  });

  it('is refused to nobody signed in (sign in first), to a script, and to in-process code without a screen', async () => {
    const before = asked.length;
    const nobody = rig.access.openScreen('page', 'empty desk');
    const byNobody = await refusal(
      router.request('installUpdateNow', { sawBedIds: ['bed-1'] }, { actor: 'b', screen: nobody }),
    );
    expect(byNobody.code).toBe('sign_in_required');

    const script = rig.access.openScreen('script', 'a script');
    const byScript = await refusal(
      router.request('installUpdateNow', { sawBedIds: ['bed-1'] }, { actor: 'b', screen: script }),
    );
    expect(byScript).toMatchObject({ code: 'forbidden' });
    expect(byScript.message).toContain('must be chosen by a signed-in biomedical engineer or');

    // In-process code without a screen is no signed-in user either.
    expect(
      (await refusal(router.request('installUpdateNow', { sawBedIds: [] }, { actor: 'cli' }))).code,
    ).toBe('forbidden');
    expect(asked).toHaveLength(before);
    expect(logged.at(-1)).toBe('update: "Install now" refused to cli: nobody is signed in there');
  });
});

async function withAdministratorScreen() {
  const screen = rig.access.openScreen('page', 'admin desk 2');
  await rig.access.signIn(screen, 'it-admin', 'admin-password-1');
  return screen;
}
