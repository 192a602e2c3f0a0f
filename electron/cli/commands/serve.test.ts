import { describe, expect, it } from 'vitest';
import { demoBedsOption } from './serve';
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
