// Access at a workstation over a real store: each principal's answer to the router, sign-in and
// its refusals, the idle lock on a clock the test moves, the PIN and its wrong tries, disabling
// an account while its user is signed in, the `access` stream, and everything kept across a
// reopen (hashes only: no password or PIN in the store's files or in the audit trail).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenAccess } from '../../../shared/api/contract-access';
import { MAX_PIN_FAILURES } from '../../../shared/api/contract-access';
import { ApiError } from '../../../shared/api/errors';
import {
  MONITORING_ONLY,
  Permission,
  ROLE_PERMISSIONS,
  SCRIPT_ACTOR,
  UNIDENTIFIED_ACTOR,
} from '../../../shared/security/access';
import {
  ADMIN,
  accessRig,
  IDLE_MS,
  withAdministrator,
  type AccessRig,
} from './access.test-support';
import type { ScreenSession } from './screen-session';

const BY_ADMIN = { actor: 'Ida Admin (it-admin)', from: 'admin desk' };
const NURSE = {
  username: 'ana',
  displayName: 'Ana Example',
  role: 'nurse' as const,
  password: 'nurse-password-1',
  pin: '2468',
};

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

async function refusalOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function watch(screen: ScreenSession): ScreenAccess[] {
  const seen: ScreenAccess[] = [];
  screen.subscribe((access) => seen.push(access));
  return seen;
}

/** Every file under a folder, for looking for a secret in it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('a workstation not set up, then its first administrator', () => {
  let rig: AccessRig;
  beforeAll(async () => {
    rig = await accessRig();
  });
  afterAll(() => rig.close());

  it('lets every screen do everything but manage accounts, as the unidentified user', () => {
    const screen = rig.access.openScreen('page', 'browser tab 1');
    expect(rig.access.isSetUp()).toBe(false);
    const access = screen.access();
    expect(access).toMatchObject({ setUp: false, principal: 'open', user: null, locked: false });
    expect(access.permissions).toEqual(Permission.options.filter((p) => p !== 'users'));
    expect(() => screen.authorize('acknowledge', 'acknowledgeAlarm')).not.toThrow();
    expect(screen.actor()).toBe(UNIDENTIFIED_ACTOR);
    const refused = refusal(() => screen.authorize('users', 'listAccounts'));
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toMatch(/make the IT administrator first/);
    screen.close();
  });

  it('makes the administrator, signs that screen in, and tells the other screens', async () => {
    const other = rig.access.openScreen('page', 'browser tab 2');
    const seen = watch(other);
    const screen = rig.access.openScreen('page', 'admin desk');
    const access = await rig.access.createAdministrator(screen, ADMIN);
    expect(access).toMatchObject({
      setUp: true,
      principal: 'user',
      locked: false,
      user: {
        username: 'it-admin',
        displayName: 'Ida Admin',
        role: 'it-administrator',
        hasPin: true,
      },
      permissions: ROLE_PERMISSIONS['it-administrator'],
      locksAtMs: rig.clock.nowMs + IDLE_MS,
    });
    expect(screen.actor()).toBe('Ida Admin (it-admin)');
    expect(seen.map((a) => a.principal)).toEqual(['open', 'unidentified']);
    expect(rig.audit.map((e) => [e.actor, e.action, e.subject])).toEqual([
      [UNIDENTIFIED_ACTOR, 'account-added', 'user=it-admin'],
      ['Ida Admin (it-admin)', 'sign-in', 'user=it-admin'],
    ]);
    expect(rig.audit[1]!.detail).toBe('from admin desk (the first start)');
    const again = await refusalOf(
      rig.access.createAdministrator(other, { ...ADMIN, username: 'second' }),
    );
    expect(again.code).toBe('conflict');
    expect(rig.access.listAccounts().map((a) => a.username)).toEqual(['it-admin']);
  });

  it('refuses a first account that is not an IT administrator (command line, no screen)', async () => {
    const fresh = await accessRig();
    try {
      const refused = await refusalOf(fresh.access.addAccount(NURSE, BY_ADMIN));
      expect(refused.message).toBe(
        'The first account must be an IT administrator, who can then add the others.',
      );
      expect(fresh.access.isSetUp()).toBe(false);
    } finally {
      await fresh.close();
    }
  });
});

describe('signed in, refused, locked, unlocked', () => {
  let rig: AccessRig;
  let admin: ScreenSession;
  beforeAll(async () => {
    rig = await accessRig();
    admin = await withAdministrator(rig.access);
    await rig.access.addAccount(NURSE, BY_ADMIN);
    await rig.access.addAccount(
      { username: 'vo', displayName: 'Val Viewer', role: 'view-only', password: 'viewer-password' },
      BY_ADMIN,
    );
    await rig.access.addAccount(
      {
        username: 'remote',
        displayName: 'Rae Remote',
        role: 'remote-clinician',
        password: 'remote-password',
      },
      BY_ADMIN,
    );
  });
  afterAll(() => rig.close());

  it('gives a script every permission under its own name, and never locks it', () => {
    const script = rig.access.openScreen('script', 'script');
    expect(script.access()).toMatchObject({ principal: 'script', locksAtMs: null });
    expect(script.access().permissions).toEqual(Permission.options);
    for (const permission of Permission.options) script.authorize(permission, 'any');
    rig.clock.advance(IDLE_MS * 3);
    expect(script.actor()).toBe(SCRIPT_ACTOR);
    expect(script.access().locked).toBe(false);
    script.close();
  });

  it('lets nobody signed in watch and pause audio only, and says to sign in', () => {
    const screen = rig.access.openScreen('page', 'browser tab 7');
    expect(screen.access()).toMatchObject({ principal: 'unidentified', user: null });
    expect(screen.access().permissions).toEqual(MONITORING_ONLY);
    screen.authorize('monitor', 'bedLive');
    screen.authorize('pause-audio', 'setAlarmAudio');
    const refused = refusal(() => screen.authorize('acknowledge', 'acknowledgeAlarm'));
    expect(refused.code).toBe('sign_in_required');
    expect(refused.details).toEqual({ locked: false });
    expect(refused.message).toBe(
      'Sign in to acknowledge alarms: nobody is signed in at this screen.',
    );
    expect(screen.actor()).toBe(UNIDENTIFIED_ACTOR);
    screen.close();
  });

  it('signs a nurse in: the role’s permissions under her name; what the role lacks is named', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 3');
    const access = await rig.access.signIn(screen, 'ana', NURSE.password);
    expect(access.user).toMatchObject({ username: 'ana', role: 'nurse' });
    expect(access.permissions).toEqual(ROLE_PERMISSIONS.nurse);
    screen.authorize('acknowledge', 'acknowledgeAlarm');
    expect(screen.actor()).toBe('Ana Example (ana)');
    expect(screen.userId()).toBe(access.user!.userId);
    const refused = refusal(() => screen.authorize('users', 'addAccount'));
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toBe('A nurse cannot manage accounts.');
    rig.access.signOut(screen);
    expect(screen.access().principal).toBe('unidentified');
    expect(rig.audit.at(-1)).toMatchObject({ action: 'sign-out', subject: 'user=ana' });
    screen.close();
  });

  it('names the role and what it lacks: a view-only user cannot acknowledge', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 4');
    await rig.access.signIn(screen, 'vo', 'viewer-password');
    screen.authorize('review', 'getTrend');
    expect(refusal(() => screen.authorize('acknowledge', 'acknowledgeAlarm')).message).toBe(
      'A view-only user cannot acknowledge alarms.',
    );
    screen.close();
  });

  it('says the same for a wrong user name and a wrong password, and writes neither down', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 5');
    const before = rig.audit.length;
    const wrongName = await refusalOf(rig.access.signIn(screen, 'nobody', 'secret-typed-1'));
    const wrongPassword = await refusalOf(rig.access.signIn(screen, 'ana', 'secret-typed-2'));
    expect(wrongName.code).toBe('unauthorized');
    expect(wrongName.message).toBe(wrongPassword.message);
    expect(screen.access().principal).toBe('unidentified');
    const written = rig.audit.slice(before);
    expect(written.map((e) => [e.action, e.subject])).toEqual([
      ['sign-in-refused', ''],
      ['sign-in-refused', 'user=ana'],
    ]);
    expect(JSON.stringify(written)).not.toMatch(/secret-typed|nobody/);
    screen.close();
  });

  it('refuses a remote clinician at a workstation (telehealth only) and a disabled account', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 6');
    const remote = await refusalOf(rig.access.signIn(screen, 'remote', 'remote-password'));
    expect(remote.message).toMatch(/telehealth only/);
    const vo = rig.access.listAccounts().find((a) => a.username === 'vo')!;
    await rig.access.setAccountDisabled(vo.userId, true, BY_ADMIN);
    const disabled = await refusalOf(rig.access.signIn(screen, 'vo', 'viewer-password'));
    expect(disabled.message).toBe('This account is disabled: ask IT to enable it again.');
    expect(rig.audit.at(-1)).toMatchObject({ action: 'sign-in-refused', subject: 'user=vo' });
    await rig.access.setAccountDisabled(vo.userId, false, BY_ADMIN);
    await rig.access.signIn(screen, 'vo', 'viewer-password');
    expect(screen.access().user?.username).toBe('vo');
    screen.close();
  });

  it('locks after the idle time, tells the stream, keeps monitoring and audio pause only', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 8');
    await rig.access.signIn(screen, 'ana', NURSE.password);
    const seen = watch(screen);
    const signedInAt = rig.clock.nowMs;
    expect(screen.access().locksAtMs).toBe(signedInAt + IDLE_MS);
    rig.clock.advance(IDLE_MS - 1000);
    screen.noteAction(); // an action restarts the wait
    expect(screen.access().locksAtMs).toBe(rig.clock.nowMs + IDLE_MS);
    rig.clock.advance(IDLE_MS - 1000);
    expect(screen.access().locked).toBe(false);
    expect(rig.access.noteActivity(screen).locksAtMs).toBe(rig.clock.nowMs + IDLE_MS);
    rig.clock.advance(IDLE_MS); // the timer fires: nobody asked
    expect(seen.map((a) => a.locked)).toEqual([false, true]);
    const locked = seen.at(-1)!;
    expect(locked).toMatchObject({ principal: 'user', locked: true, locksAtMs: null });
    expect(locked.permissions).toEqual(MONITORING_ONLY);
    expect(rig.audit.at(-1)).toMatchObject({
      actor: 'Ana Example (ana)',
      action: 'lock',
      detail: 'from browser tab 8 (no input for 5 min)',
    });
    screen.authorize('pause-audio', 'setAlarmAudio');
    expect(screen.actor()).toBe(UNIDENTIFIED_ACTOR);
    const refused = refusal(() => screen.authorize('acknowledge', 'acknowledgeAlarm'));
    expect(refused.code).toBe('sign_in_required');
    expect(refused.message).toBe('The screen is locked: enter your PIN.');
    expect(refused.details).toEqual({ locked: true });
    screen.noteAction(); // activity on a locked screen unlocks nothing
    expect(screen.access().locked).toBe(true);

    const unlocked = await rig.access.unlockWithPin(screen, NURSE.pin);
    expect(unlocked).toMatchObject({ locked: false, locksAtMs: rig.clock.nowMs + IDLE_MS });
    expect(seen.map((a) => a.locked)).toEqual([false, true, false]);
    expect(rig.audit.at(-1)).toMatchObject({
      action: 'unlock',
      detail: 'from browser tab 8 (with the PIN)',
    });
    screen.authorize('acknowledge', 'acknowledgeAlarm');
    screen.close();
    expect(rig.clock.pending).toBe(0);
  });

  it('locks by the clock alone when asked before its timer fires', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 9');
    await rig.access.signIn(screen, 'ana', NURSE.password);
    rig.clock.nowMs += IDLE_MS; // the clock moved, no timer fired
    expect(refusal(() => screen.authorize('chart', 'printStrip')).code).toBe('sign_in_required');
    rig.access.lockScreen(screen); // already locked: nothing more written
    expect(
      rig.audit.filter((e) => e.detail === 'from browser tab 9 (no input for 5 min)'),
    ).toHaveLength(1);
    screen.close();
  });

  it('lets another user sign in on a locked screen, replacing the first (audited)', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 10');
    await rig.access.signIn(screen, 'ana', NURSE.password);
    rig.access.lockScreen(screen);
    expect(rig.audit.at(-1)).toMatchObject({
      action: 'lock',
      detail: 'from browser tab 10 (locked at the screen)',
    });
    const access = await rig.access.signIn(screen, 'vo', 'viewer-password');
    expect(access).toMatchObject({ locked: false, user: { username: 'vo' } });
    expect(rig.audit.at(-1)).toMatchObject({
      actor: 'Val Viewer (vo)',
      action: 'sign-in',
      detail: 'from browser tab 10 (replacing ana, whose screen was locked)',
    });
    screen.close();
  });

  it(`blocks the PIN after ${MAX_PIN_FAILURES} wrong ones until the password is given`, async () => {
    const screen = rig.access.openScreen('page', 'browser tab 11');
    await rig.access.signIn(screen, 'ana', NURSE.password);
    rig.access.lockScreen(screen);
    const messages: string[] = [];
    // Sent at once: each counts (the checks run one after the other).
    const tries = Array.from({ length: MAX_PIN_FAILURES }, () =>
      refusalOf(rig.access.unlockWithPin(screen, '0000')),
    );
    for (const refused of await Promise.all(tries)) {
      expect(refused.code).toBe('unauthorized');
      messages.push(refused.message);
    }
    expect(messages[0]).toBe('The PIN is wrong: 4 tries left before your password is needed.');
    expect(messages[3]).toBe('The PIN is wrong: 1 try left before your password is needed.');
    expect(messages[4]).toMatch(/now blocked: sign in with your password/);
    const right = await refusalOf(rig.access.unlockWithPin(screen, NURSE.pin));
    expect(right.message).toBe(
      `Your PIN is blocked after ${MAX_PIN_FAILURES} wrong tries in a row: sign in with your password.`,
    );
    expect(screen.access().locked).toBe(true);
    expect(rig.audit.filter((e) => e.action === 'unlock-refused').length).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(rig.audit)).not.toContain(NURSE.pin);

    await rig.access.signIn(screen, 'ana', NURSE.password); // the password unlocks
    expect(rig.audit.at(-1)).toMatchObject({
      action: 'unlock',
      detail: 'from browser tab 11 (with the password)',
    });
    rig.access.lockScreen(screen);
    expect((await rig.access.unlockWithPin(screen, NURSE.pin)).locked).toBe(false);
    screen.close();
  });

  it('sets one’s own PIN only with the password, and only unlocked', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 12');
    await rig.access.signIn(screen, 'vo', 'viewer-password');
    expect(screen.access().user?.hasPin).toBe(false);
    rig.access.lockScreen(screen);
    expect((await refusalOf(rig.access.unlockWithPin(screen, '1234'))).message).toMatch(
      /no PIN yet/,
    );
    await rig.access.signIn(screen, 'vo', 'viewer-password');
    const wrong = await refusalOf(rig.access.setOwnPin(screen, 'not-the-password', '1357'));
    expect(wrong.message).toBe('The password is wrong: the PIN was not changed.');
    const seen = watch(screen);
    await rig.access.setOwnPin(screen, 'viewer-password', '1357');
    expect(seen.map((a) => a.user?.hasPin)).toEqual([false, true]);
    rig.access.lockScreen(screen);
    expect((await rig.access.unlockWithPin(screen, '1357')).locked).toBe(false);
    screen.close();
  });

  it('signs a disabled user out of every screen at once, and keeps the last administrator', async () => {
    const first = rig.access.openScreen('page', 'browser tab 13');
    const second = rig.access.openScreen('page', 'desktop window 2');
    await rig.access.signIn(first, 'ana', NURSE.password);
    await rig.access.signIn(second, 'ana', NURSE.password);
    rig.access.lockScreen(second);
    const seenFirst = watch(first);
    const seenSecond = watch(second);
    const ana = rig.access.listAccounts().find((a) => a.username === 'ana')!;
    const summary = await rig.access.setAccountDisabled(ana.userId, true, BY_ADMIN);
    expect(summary.disabled).toBe(true);
    for (const seen of [seenFirst, seenSecond]) {
      expect(seen.at(-1)).toMatchObject({ principal: 'unidentified', user: null, locked: false });
    }
    expect(rig.audit.slice(-3).map((e) => [e.action, e.detail])).toEqual([
      ['account-disabled', 'from admin desk'],
      ['sign-out', 'from browser tab 13 (account disabled by Ida Admin (it-admin))'],
      ['sign-out', 'from desktop window 2 (account disabled by Ida Admin (it-admin))'],
    ]);
    const adminId = admin.userId()!;
    const last = await refusalOf(rig.access.setAccountDisabled(adminId, true, BY_ADMIN));
    expect(last.code).toBe('conflict');
    expect(last.message).toMatch(/last IT administrator/);
    const missing = await refusalOf(rig.access.setAccountDisabled('no-such-id', true, BY_ADMIN));
    expect(missing.code).toBe('not_found');
    await rig.access.setAccountDisabled(ana.userId, false, BY_ADMIN);
    first.close();
    second.close();
  });

  it('refuses a user name taken, and a screen it did not open', async () => {
    const taken = await refusalOf(
      rig.access.addAccount({ ...NURSE, displayName: 'Other' }, BY_ADMIN),
    );
    expect(taken.message).toBe('There is an account "ana" already: choose another user name.');
    const script = rig.access.openScreen('script', 'script');
    expect((await refusalOf(rig.access.signIn(script, 'ana', NURSE.password))).code).toBe(
      'invalid_request',
    );
    expect((await refusalOf(rig.access.signIn(undefined, 'ana', NURSE.password))).code).toBe(
      'invalid_request',
    );
    script.close();
  });

  it('keeps accounts, PINs and wrong tries across a reopen, and no password in its files', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 14');
    await rig.access.signIn(screen, 'ana', NURSE.password);
    rig.access.lockScreen(screen);
    await refusalOf(rig.access.unlockWithPin(screen, '1111'));
    await refusalOf(rig.access.unlockWithPin(screen, '1112'));
    screen.close();
    const before = rig.access.listAccounts();
    await rig.reopen();
    expect(rig.access.listAccounts()).toEqual(before);
    expect(before.map((a) => [a.username, a.role, a.hasPin, a.disabled])).toEqual([
      ['ana', 'nurse', true, false],
      ['it-admin', 'it-administrator', true, false],
      ['remote', 'remote-clinician', false, false],
      ['vo', 'view-only', true, false],
    ]);
    const stored = (await rig.store.accounts.list()).find((a) => a.username === 'ana')!;
    expect(stored.pinFailures).toBe(2);
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=65536,p=1,t=2\$/);
    expect(stored.pinHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    const again = rig.access.openScreen('page', 'browser tab 15');
    await rig.access.signIn(again, 'vo', 'viewer-password');
    again.close();
    await rig.store.close(); // everything on disk, then looked for in every file
    for (const secret of [NURSE.password, ADMIN.password, 'viewer-password', 'remote-password']) {
      const bytes = Buffer.from(secret);
      for (const file of filesUnder(join(rig.dataDir, '..'))) {
        expect(readFileSync(file).includes(bytes), `a password in ${file}`).toBe(false);
      }
    }
    await rig.reopen();
    expect(rig.access.listAccounts()).toHaveLength(4);
  });
});
