import { describe, expect, it } from 'vitest';
import { allowPortOption, demoBedsOption, tokenOption } from './serve';
import { CliError } from '../cli-error';

describe('serve --demo [N]', () => {
  it('is no demo without the option, one bed alone, N beds with a number', () => {
    expect(demoBedsOption(['--port', '0'])).toEqual({ beds: 0, rest: ['--port', '0'] });
    expect(demoBedsOption(['--demo', '--port', '0'])).toEqual({ beds: 1, rest: ['--port', '0'] });
    expect(demoBedsOption(['--demo', '16', '--port', '0'])).toEqual({
      beds: 16,
      rest: ['--port', '0'],
    });
    expect(demoBedsOption(['--demo=4'])).toEqual({ beds: 4, rest: [] });
  });

  it('refuses a number of beds it cannot start, with the range', () => {
    expect(() => demoBedsOption(['--demo', '0'])).toThrow(CliError);
    expect(() => demoBedsOption(['--demo', '33'])).toThrow(/1 to 32/);
    expect(() => demoBedsOption(['--demo=many'])).toThrow(/"many"/);
  });
});

describe('serve --token and --allow-port', () => {
  it('makes a strong token when none is given, and refuses a weak one with what to do', () => {
    const made = tokenOption(undefined);
    expect(made).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(tokenOption(undefined)).not.toBe(made);
    expect(tokenOption('e2e-token-for-tests-only')).toBe('e2e-token-for-tests-only');
    expect(() => tokenOption('t')).toThrow(CliError);
    expect(() => tokenOption('secret')).toThrow(/16 to 256 characters long/);
    expect(() => tokenOption('a token with spaces in it')).toThrow(/only letters, digits/);
  });

  it('names --script-token in its refusals', () => {
    expect(() => tokenOption('short', '--script-token')).toThrow(/^--script-token must be 16/);
  });

  it('takes full paths and globs for --allow-port, not relative ones', () => {
    expect(allowPortOption(['/dev/pts/*', '/tmp/ws/hp5.tty'])).toEqual([
      '/dev/pts/*',
      '/tmp/ws/hp5.tty',
    ]);
    expect(() => allowPortOption(['ttyUSB0'])).toThrow(/full path of a port or a glob/);
  });
});
