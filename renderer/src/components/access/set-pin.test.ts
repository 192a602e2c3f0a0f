import { describe, expect, it } from 'vitest';
import { setPinProblem } from './set-pin';

describe('setPinProblem', () => {
  const ok = { password: 'night-shift-2468', pin: '1357', pinAgain: '1357' };

  it('lets a password and a PIN of 4 to 8 digits typed twice through', () => {
    expect(setPinProblem(ok)).toBeNull();
    expect(setPinProblem({ ...ok, pin: '12345678', pinAgain: '12345678' })).toBeNull();
  });

  it('says what is missing or wrong, in the order a person fixes it', () => {
    expect(setPinProblem({ ...ok, password: '' })).toBe('Type your password: it proves it is you.');
    for (const pin of ['123', '123456789', '12a4', ' 1234']) {
      expect(setPinProblem({ ...ok, pin, pinAgain: pin })).toBe('The PIN must be 4 to 8 digits.');
    }
    expect(setPinProblem({ ...ok, pinAgain: '1358' })).toBe('The two PINs are not the same.');
  });
});
