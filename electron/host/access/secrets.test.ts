// Passwords and PINs as argon2id hashes: the parameters written in each hash, right and wrong
// secrets, a hash that cannot be read, and a PIN checked well within the unlock goal.
import { describe, expect, it } from 'vitest';
import {
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  PIN_PATTERN,
  USERNAME_PATTERN,
} from '../../../shared/api/contract-access';
import { requests } from '../../../shared/api/contract';
import { DecoyHash, hashSecret, PASSWORD_COST, PIN_COST, TaskGate, verifySecret } from './secrets';

describe('argon2id hashes', () => {
  it('writes the algorithm and its cost in the hash, never the secret', async () => {
    const password = await hashSecret('a-long-password', PASSWORD_COST);
    const pin = await hashSecret('2468', PIN_COST);
    expect(password).toMatch(/^\$argon2id\$v=19\$m=65536,p=1,t=2\$/);
    expect(pin).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(password).not.toContain('a-long-password');
    expect(await hashSecret('2468', PIN_COST)).not.toBe(pin); // salted
  });

  it('matches the right secret only; a damaged hash matches nothing', async () => {
    const hash = await hashSecret('2468', PIN_COST);
    expect(await verifySecret(hash, '2468')).toBe(true);
    expect(await verifySecret(hash, '2469')).toBe(false);
    expect(await verifySecret(hash, '')).toBe(false);
    expect(await verifySecret('not a hash', '2468')).toBe(false);
    expect(await verifySecret(hash.slice(0, -4), '2468')).toBe(false);
  });

  it('checks a PIN well within the 300 ms unlock goal', async () => {
    const hash = await hashSecret('13579', PIN_COST);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await verifySecret(hash, '13579');
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    expect(times[2]).toBeLessThan(150); // measured ~35 ms on the 2-core test machine
  });

  it('answers an unknown user name with a check as costly as a password’s, and false', async () => {
    const decoy = new DecoyHash(PIN_COST);
    expect(await decoy.verify('no account has this password')).toBe(false);
    expect(await decoy.verify('anything')).toBe(false);
  });
});

describe('the rules of names, passwords and PINs (the contract’s)', () => {
  const add = requests.addAccount.input;
  const valid = {
    username: 'ana',
    displayName: 'Ana Example',
    role: 'nurse',
    password: 'x'.repeat(10),
  };

  it('lower-cases and trims a user name, and refuses one that is not a name', () => {
    expect(add.parse({ ...valid, username: '  Ana.Example ' }).username).toBe('ana.example');
    for (const bad of ['a', '-ana', 'ana example', 'ana@example', 'x'.repeat(65)])
      expect(add.safeParse({ ...valid, username: bad }).success, bad).toBe(false);
    expect(USERNAME_PATTERN.test('ana_1')).toBe(true);
  });

  it(`asks ${MIN_PASSWORD_CHARS} to ${MAX_PASSWORD_CHARS} characters of a password, 4 to 8 digits of a PIN`, () => {
    expect(add.safeParse({ ...valid, password: 'x'.repeat(MIN_PASSWORD_CHARS - 1) }).success).toBe(
      false,
    );
    expect(add.safeParse({ ...valid, password: 'x'.repeat(MAX_PASSWORD_CHARS + 1) }).success).toBe(
      false,
    );
    for (const pin of ['1234', '12345678']) expect(PIN_PATTERN.test(pin)).toBe(true);
    for (const pin of ['123', '123456789', '12a4']) {
      expect(add.safeParse({ ...valid, pin }).success, pin).toBe(false);
    }
  });
});

describe('the gate before argon2', () => {
  it('runs at most two at once, lets sixteen wait, and refuses the next at once', async () => {
    const gate = new TaskGate(2, 16, () => new Error('busy'));
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const task = () =>
      new Promise<number>((resolve) => {
        running += 1;
        most = Math.max(most, running);
        releases.push(() => {
          running -= 1;
          resolve(1);
        });
      });
    const started = Array.from({ length: 18 }, () => gate.run(task));
    await expect(gate.run(task)).rejects.toThrow('busy');
    expect(running).toBe(2);
    // Release them one by one: each slot passes to the next in line, never more than two.
    let done = 0;
    while (done < 18) {
      await new Promise((resolve) => setImmediate(resolve));
      const release = releases.shift();
      if (!release) continue;
      release();
      done += 1;
    }
    expect(await Promise.all(started)).toHaveLength(18);
    expect(most).toBe(2);
    // Free again: a new task runs at once.
    const after = gate.run(async () => 'ran');
    expect(await after).toBe('ran');
  });

  it('frees its slot when a task fails', async () => {
    const gate = new TaskGate(1, 0, () => new Error('busy'));
    await expect(gate.run(() => Promise.reject(new Error('argon2 failed')))).rejects.toThrow(
      'argon2 failed',
    );
    expect(await gate.run(async () => 'next')).toBe('next');
  });
});
