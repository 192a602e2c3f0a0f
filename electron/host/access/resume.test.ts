// A sign-in that survives a reload or a reconnect, over a real store on a clock the test moves:
// the new screen takes the user (and the lock) of the screen that held the token; the old one,
// if still open, is signed out; a token works once, only within the grace period after its
// screen closed, and one tab's token is not another's. Then the limit on wrong passwords as
// Access applies it: the same sentence for a name that exists and one that does not, and still
// after a restart (kept in the store, the names as keys only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import {
  MONITORING_ONLY,
  ROLE_PERMISSIONS,
  UNIDENTIFIED_ACTOR,
} from '../../../shared/security/access';
import { RESUME_GRACE_MS } from './access';
import { stringsFind } from '../store/encryption/test-support';
import { accessRig, IDLE_MS, withAdministrator, type AccessRig } from './access.test-support';

const BY_ADMIN = { actor: 'Ida Admin (it-admin)', from: 'admin desk' };
const NURSE = {
  username: 'ana',
  displayName: 'Ana Example',
  role: 'nurse' as const,
  password: 'nurse-password-1',
  pin: '2468',
};
const PHYSICIAN = {
  username: 'phil',
  displayName: 'Phil Example',
  role: 'physician' as const,
  password: 'physician-password-1',
};

async function refusalOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

let rig: AccessRig;
let tab = 0;
const openTab = () => rig.access.openScreen('page', `browser tab ${++tab}`);

beforeAll(async () => {
  rig = await accessRig();
  await withAdministrator(rig.access);
  await rig.access.addAccount(NURSE, BY_ADMIN);
  await rig.access.addAccount(PHYSICIAN, BY_ADMIN);
});
afterAll(() => rig.close());

describe('resuming a sign-in', () => {
  it('keeps the nurse signed in across a reload, with a new token, and audits no token', async () => {
    const first = openTab();
    const signedIn = await rig.access.signIn(first, 'ana', NURSE.password);
    const token = signedIn.resumeToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    rig.clock.advance(60_000);
    first.close(); // the page reloads: its socket closes first
    rig.clock.advance(5_000);
    const second = openTab();
    expect(second.access().user).toBeNull();
    const resumed = rig.access.resumeScreen(second, token);
    expect(resumed).toMatchObject({ principal: 'user', locked: false, user: { username: 'ana' } });
    expect(resumed.permissions).toEqual(ROLE_PERMISSIONS.nurse);
    expect(resumed.resumeToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(resumed.resumeToken).not.toBe(token);
    // The idle lock's clock goes on from the last action, not from the reload.
    expect(resumed.locksAtMs).toBe(signedIn.locksAtMs);
    expect(second.actor()).toBe('Ana Example (ana)');
    expect(rig.audit.at(-1)).toMatchObject({
      actor: 'Ana Example (ana)',
      action: 'resume',
      subject: 'user=ana',
      detail: `from ${second.label} (the sign-in of ${first.label})`,
    });
    expect(JSON.stringify(rig.audit)).not.toContain(token);
    expect(JSON.stringify(rig.audit)).not.toContain(resumed.resumeToken);
    second.close();
  });

  it('signs the old screen out when it is still open (a socket that reconnected first)', async () => {
    const old = openTab();
    const token = (await rig.access.signIn(old, 'ana', NURSE.password)).resumeToken!;
    const seenOld: (string | null)[] = [];
    old.subscribe((access) => seenOld.push(access.user?.username ?? null));
    const fresh = openTab();
    expect(rig.access.resumeScreen(fresh, token).user?.username).toBe('ana');
    expect(seenOld).toEqual(['ana', null]);
    expect(old.access().resumeToken).toBeUndefined();
    expect(rig.audit.at(-2)).toMatchObject({
      action: 'sign-out',
      detail: `from ${old.label} (resumed at ${fresh.label})`,
    });
    old.close();
    fresh.close();
  });

  it('keeps a locked screen locked, and the idle lock’s clock is not reset', async () => {
    const first = openTab();
    await rig.access.signIn(first, 'ana', NURSE.password);
    rig.access.lockScreen(first);
    const lockedToken = first.access().resumeToken!;
    first.close();
    const second = openTab();
    const resumed = rig.access.resumeScreen(second, lockedToken);
    expect(resumed).toMatchObject({ principal: 'user', locked: true, locksAtMs: null });
    expect(resumed.permissions).toEqual(MONITORING_ONLY);
    expect(second.actor()).toBe(UNIDENTIFIED_ACTOR);
    expect(rig.audit.at(-1)).toMatchObject({ action: 'resume', actor: UNIDENTIFIED_ACTOR });
    expect((await rig.access.unlockWithPin(second, NURSE.pin)).locked).toBe(false);

    // Unlocked, 4 minutes idle, reloaded: it locks one minute later, not five.
    rig.clock.advance(IDLE_MS - 60_000);
    const token = second.access().resumeToken!;
    second.close();
    const third = openTab();
    expect(rig.access.resumeScreen(third, token).locked).toBe(false);
    rig.clock.advance(60_000);
    expect(third.access().locked).toBe(true);
    third.close();
  });

  it('refuses a token used once already, quietly, and audits the refusal', async () => {
    const first = openTab();
    const token = (await rig.access.signIn(first, 'ana', NURSE.password)).resumeToken!;
    first.close();
    const second = openTab();
    expect(rig.access.resumeScreen(second, token).user?.username).toBe('ana');
    const third = openTab();
    const again = rig.access.resumeScreen(third, token);
    expect(again).toMatchObject({ principal: 'unidentified', user: null, locked: false });
    expect(again.resumeToken).toBeUndefined();
    expect(second.access().user?.username).toBe('ana'); // the refusal takes nothing away
    expect(rig.audit.at(-1)).toMatchObject({
      actor: UNIDENTIFIED_ACTOR,
      action: 'resume-refused',
      subject: '',
      detail: `from ${third.label} (an unknown, spent or expired token)`,
    });
    second.close();
    third.close();
  });

  it('forgets a closed screen’s sign-in after the grace period', async () => {
    const first = openTab();
    const token = (await rig.access.signIn(first, 'ana', NURSE.password)).resumeToken!;
    first.close();
    rig.clock.advance(RESUME_GRACE_MS);
    const second = openTab();
    expect(rig.access.resumeScreen(second, token).user).toBeNull();
    expect(rig.audit.at(-1)?.action).toBe('resume-refused');
    second.close();
  });

  it('gives each tab its own token: one cannot be guessed from another, nor resume another user', async () => {
    const nurseTab = openTab();
    const physicianTab = openTab();
    const nurseToken = (await rig.access.signIn(nurseTab, 'ana', NURSE.password)).resumeToken!;
    const physicianToken = (await rig.access.signIn(physicianTab, 'phil', PHYSICIAN.password))
      .resumeToken!;
    expect(nurseToken).not.toBe(physicianToken);
    const stranger = openTab();
    // Near misses and guesses: one character changed, cut short, another length, none.
    const last = nurseToken.at(-1) === 'A' ? 'B' : 'A';
    for (const guess of [
      nurseToken.slice(0, -1) + last,
      nurseToken.slice(0, 42),
      `${nurseToken}A`,
      'A'.repeat(43),
    ]) {
      expect(rig.access.resumeScreen(stranger, guess).user).toBeNull();
    }
    expect(nurseTab.access().user?.username).toBe('ana');
    // The physician's token brings the physician, never the nurse.
    expect(rig.access.resumeScreen(stranger, physicianToken).user?.username).toBe('phil');
    expect(physicianTab.access().user).toBeNull();
    expect(nurseTab.access().user?.username).toBe('ana');
    for (const screen of [nurseTab, physicianTab, stranger]) screen.close();
  });

  it('refuses the token of a user disabled meanwhile, and a script cannot resume', async () => {
    const first = openTab();
    const token = (await rig.access.signIn(first, 'phil', PHYSICIAN.password)).resumeToken!;
    first.close();
    const phil = rig.access.listAccounts().find((a) => a.username === 'phil')!;
    await rig.access.setAccountDisabled(phil.userId, true, BY_ADMIN);
    const second = openTab();
    expect(rig.access.resumeScreen(second, token).user).toBeNull();
    await rig.access.setAccountDisabled(phil.userId, false, BY_ADMIN);
    const script = rig.access.openScreen('script', 'script');
    expect(script.access().resumeToken).toBeUndefined();
    expect(() => rig.access.resumeScreen(script, token)).toThrow(ApiError);
    second.close();
    script.close();
  });
});

describe('wrong passwords, limited per user name', () => {
  it('makes a name wait after five wrong passwords, the same for an unknown name', async () => {
    const screen = openTab();
    for (const name of ['ana', 'nobody-here']) {
      for (let i = 0; i < 5; i++) {
        const wrong = await refusalOf(rig.access.signIn(screen, name, 'wrong-password-1'));
        expect(wrong.message).toMatch(/user name or the password is wrong/);
      }
    }
    rig.clock.advance(60_000);
    const known = await refusalOf(rig.access.signIn(screen, 'ana', NURSE.password));
    const unknown = await refusalOf(rig.access.signIn(screen, 'nobody-here', 'anything-1'));
    expect(known.code).toBe('unauthorized');
    expect(known.message).toBe(
      'Too many wrong passwords for this user name: try again in 4 minutes, or ask IT if you have forgotten yours.',
    );
    expect(unknown.message).toBe(known.message);
    expect(rig.audit.at(-2)).toMatchObject({
      action: 'sign-in-refused',
      subject: 'user=ana',
      detail: `from ${screen.label} (waiting after too many wrong passwords)`,
    });
    expect(rig.audit.at(-1)?.subject).toBe(''); // an unknown name is not written down
    // Another name signs in meanwhile; after the wait, ana's right password works.
    expect((await rig.access.signIn(screen, 'phil', PHYSICIAN.password)).user?.username).toBe(
      'phil',
    );
    screen.close();

    // A restart (the store closed and opened again) does not reset the wait: the store kept it,
    // with the names as keys only (the unknown name is in no file of the store).
    await rig.reopen();
    expect(stringsFind(rig.dataDir, ['nobody-here'])).toEqual([]);
    const after = openTab();
    for (const [name, password] of [
      ['ana', NURSE.password],
      ['nobody-here', 'anything-1'],
    ] as const) {
      expect((await refusalOf(rig.access.signIn(after, name, password))).message).toBe(
        known.message,
      );
    }
    rig.clock.advance(4 * 60_000);
    expect((await rig.access.signIn(after, 'ana', NURSE.password)).user?.username).toBe('ana');
    after.close();
  }, 120_000);
});
