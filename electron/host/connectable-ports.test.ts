import { describe, expect, it } from 'vitest';
import { connectRefusal, portPatternMatches } from './connectable-ports';

describe('port patterns', () => {
  it('match within a segment with * and ?, across segments with **, nothing else special', () => {
    expect(portPatternMatches('/dev/ttyUSB*', '/dev/ttyUSB0')).toBe(true);
    expect(portPatternMatches('/dev/ttyUSB?', '/dev/ttyUSB12')).toBe(false);
    expect(portPatternMatches('/tmp/ws/*', '/tmp/ws/a/b')).toBe(false);
    expect(portPatternMatches('/tmp/ws/**', '/tmp/ws/a/b')).toBe(true);
    expect(portPatternMatches('/tmp/ws/a.tty', '/tmp/ws/aXtty')).toBe(false);
    expect(portPatternMatches('/dev/(x)+', '/dev/(x)+')).toBe(true);
  });
});

describe('which paths a device may be connected on from the screen', () => {
  const listed = ['/dev/ttyS0', '/dev/ttyUSB0'];

  it('takes a port the system lists, or a link to one', () => {
    expect(connectRefusal('/dev/ttyUSB0', { listed, allowed: [] })).toBeNull();
    expect(
      connectRefusal('/dev/serial/by-id/usb-FTDI-if00-port0', {
        listed,
        allowed: [],
        target: '/dev/ttyUSB0',
      }),
    ).toBeNull();
    expect(connectRefusal('COM3', { listed: ['COM3'], allowed: [] })).toBeNull();
  });

  it('takes a path an administrator allowed', () => {
    expect(connectRefusal('/tmp/ws/hp5.tty', { listed, allowed: ['/tmp/ws/*.tty'] })).toBeNull();
  });

  it('refuses a terminal, and any path outside what is listed or allowed, saying what to do', () => {
    const refusal = connectRefusal('/dev/pts/0', { listed, allowed: ['/tmp/ws/*'] });
    expect(refusal).toBe(
      '/dev/pts/0 is not a serial port this computer lists: /dev/ttyS0, /dev/ttyUSB0. Choose a ' +
        'listed port; another path needs an administrator to allow it (workstation serve ' +
        '--allow-port PATH).',
    );
    expect(connectRefusal('/dev/tty', { listed: [], allowed: [] })).toMatch(/it lists none now/);
    // A link in an allowed folder is judged by its name; its target is a terminal, not listed.
    expect(
      connectRefusal('/tmp/elsewhere/x', { listed, allowed: ['/tmp/ws/*'], target: '/dev/pts/3' }),
    ).not.toBeNull();
  });

  it('does not let .. or doubled slashes reach out of an allowed folder', () => {
    const allowed = ['/tmp/ws/**'];
    expect(connectRefusal('/tmp/ws/../../dev/pts/0', { listed, allowed })).not.toBeNull();
    expect(connectRefusal('/tmp/ws//x', { listed, allowed })).not.toBeNull();
    expect(connectRefusal('tmp/ws/x', { listed, allowed })).not.toBeNull();
  });
});
