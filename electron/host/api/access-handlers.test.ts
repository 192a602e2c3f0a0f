// The access requests and stream through the real router, on a real store: a screen signs in,
// its stream follows a lock and an unlock, a refusal arrives as the ApiError the shells send,
// and a caller without a screen (trusted code) reads as a script and cannot sign in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenAccess } from '../../../shared/api/contract-access';
import { ApiError } from '../../../shared/api/errors';
import { ADMIN, accessRig, IDLE_MS, type AccessRig } from '../access/access.test-support';
import { accessHandlers } from './access-handlers';
import { createRouter, type ApiHandlers, type ApiRouter } from './router';

let rig: AccessRig;
let router: ApiRouter;

beforeAll(async () => {
  rig = await accessRig();
  const handlers = accessHandlers(rig.access);
  // Only the access part is tried here: the rest of the contract is the role table's test.
  router = createRouter(
    { requests: handlers.requests, streams: handlers.streams } as unknown as ApiHandlers,
    () => undefined,
  );
});
afterAll(() => rig.close());

describe('access through the router', () => {
  it('makes the administrator and signs the screen in; its stream follows lock and unlock', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 1');
    const caller = { actor: 'browser', screen };
    const seen: ScreenAccess[] = [];
    const stop = router.subscribe(
      'access',
      {},
      (event) => seen.push(event as ScreenAccess),
      caller,
    );
    const made = (await router.request('createAdministrator', ADMIN, caller)) as ScreenAccess;
    expect(made).toMatchObject({ principal: 'user', user: { username: 'it-admin' } });
    await router.request('lockScreen', {}, caller);
    const refused = await router.request('listAccounts', {}, caller).then(
      () => null,
      (error: unknown) => error as ApiError,
    );
    expect(refused?.toShape()).toEqual({
      code: 'sign_in_required',
      message: 'The screen is locked: enter your PIN.',
      details: { locked: true },
    });
    await router.request('unlockWithPin', { pin: ADMIN.pin }, caller);
    const accounts = (await router.request('listAccounts', {}, caller)) as { username: string }[];
    expect(accounts.map((a) => a.username)).toEqual(['it-admin']);
    expect(seen.map((a) => [a.principal, a.locked])).toEqual([
      ['open', false],
      ['user', false],
      ['user', true],
      ['user', false],
    ]);
    const activity = (await router.request('noteActivity', {}, caller)) as { locksAtMs: number };
    expect(activity.locksAtMs).toBe(rig.clock.nowMs + IDLE_MS);
    stop();
    await router.request('signOut', {}, caller);
    expect(seen).toHaveLength(4); // unsubscribed: not told of the sign-out
  });

  it('adds an account under the signed-in administrator’s name', async () => {
    const screen = rig.access.openScreen('page', 'browser tab 2');
    const caller = { actor: 'browser', screen };
    await router.request('signIn', { username: ' IT-Admin ', password: ADMIN.password }, caller);
    const added = await router.request(
      'addAccount',
      { username: 'ana', displayName: 'Ana Example', role: 'nurse', password: 'nurse-password-1' },
      caller,
    );
    expect(added).toMatchObject({
      username: 'ana',
      createdBy: 'Ida Admin (it-admin)',
      hasPin: false,
    });
    expect(rig.audit.at(-1)).toMatchObject({
      actor: 'Ida Admin (it-admin)',
      action: 'account-added',
      detail: 'from browser tab 2 (role nurse)',
    });
    const bad = await router
      .request(
        'addAccount',
        { username: 'bob', displayName: 'Bob', role: 'nurse', password: 'short' },
        caller,
      )
      .then(
        () => null,
        (error: unknown) => error as ApiError,
      );
    expect(bad?.code).toBe('invalid_request');
    expect(bad?.message).toMatch(/at least 10 characters/);
    screen.close();
  });

  it('resumes a closed tab’s sign-in on a new screen; the token is checked and never written down', async () => {
    const routerAudit: unknown[] = [];
    const audited = createRouter(
      accessHandlers(rig.access) as unknown as ApiHandlers,
      () => undefined,
      { audit: (entry) => routerAudit.push(entry) },
    );
    const first = rig.access.openScreen('page', 'browser tab 3');
    const signedIn = (await audited.request(
      'signIn',
      { username: 'it-admin', password: ADMIN.password },
      { actor: 'browser', screen: first },
    )) as ScreenAccess;
    const token = signedIn.resumeToken!;
    first.close();
    const second = { actor: 'browser', screen: rig.access.openScreen('page', 'browser tab 4') };
    for (const bad of [{ token, extra: 1 }, { token: 'x'.repeat(65) }, {}]) {
      const refused = await audited.request('resumeScreen', bad, second).then(
        () => null,
        (error: unknown) => error as ApiError,
      );
      expect(refused?.code).toBe('invalid_request');
    }
    const resumed = (await audited.request('resumeScreen', { token }, second)) as ScreenAccess;
    expect(resumed).toMatchObject({ principal: 'user', user: { username: 'it-admin' } });
    const spent = { actor: 'browser', screen: rig.access.openScreen('page', 'browser tab 5') };
    expect(await audited.request('resumeScreen', { token }, spent)).toMatchObject({
      principal: 'unidentified',
    });
    expect(routerAudit).toEqual([]); // the access requests audit themselves
    const written = JSON.stringify(rig.audit);
    expect(written).toContain('resume-refused');
    expect(written).not.toContain(token);
    expect(written).not.toContain(resumed.resumeToken);
    second.screen.close();
    spent.screen.close();
  });

  it('treats a caller without a screen as a script that cannot sign in', async () => {
    const trusted = { actor: 'test' };
    expect(await router.request('getAccess', {}, trusted)).toMatchObject({
      principal: 'script',
      user: null,
    });
    const events: unknown[] = [];
    router.subscribe('access', {}, (event) => events.push(event), trusted)();
    expect(events).toEqual([expect.objectContaining({ principal: 'script' })]);
    const refused = await router
      .request('signIn', { username: 'ana', password: 'nurse-password-1' }, trusted)
      .then(
        () => null,
        (error: unknown) => error as ApiError,
      );
    expect(refused?.code).toBe('invalid_request');
  });
});
