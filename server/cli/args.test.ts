import { describe, expect, it } from 'vitest';
import { UsageError, isLoopback, parseServerCommand } from './args';

const db = ['--db', 'postgres://postgres@127.0.0.1/central'];

describe('the server command line', () => {
  it('serves HTTPS on every address by default, plain HTTP on loopback only', () => {
    expect(
      parseServerCommand([...db, '--port', '8443', '--tls-cert', 'c.pem', '--tls-key', 'k.pem']),
    ).toMatchObject({
      kind: 'serve',
      host: '0.0.0.0',
      port: 8443,
      tls: { certPath: 'c.pem', keyPath: 'k.pem' },
      retentionDays: 90,
    });
    expect(parseServerCommand([...db, '--port', '0', '--insecure-http'])).toMatchObject({
      host: '127.0.0.1',
      tls: null,
    });
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost'])
      expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '10.0.0.1', '::', 'example.org', 'localhost.evil']) {
      expect(isLoopback(host)).toBe(false);
    }
  });

  it('reads the admin commands', () => {
    expect(parseServerCommand(['enrolment-code', ...db, '--unit', ' ICU 2 '])).toMatchObject({
      kind: 'enrolment-code',
      unit: 'ICU 2',
      validHours: 24,
    });
    expect(parseServerCommand(['revoke', ...db, '--workstation', 'ws-1'])).toMatchObject({
      kind: 'revoke',
      workstation: 'ws-1',
    });
    expect(parseServerCommand(['workstations', ...db])).toMatchObject({ kind: 'workstations' });
    expect(parseServerCommand(['--help'])).toEqual({ kind: 'help' });
  });

  it('says what is wrong with bad arguments', () => {
    const cases: Array<[string[], RegExp]> = [
      [
        [...db, '--port', '0', '--insecure-http', '--host', '0.0.0.0'],
        /only on a loopback address .*0\.0\.0\.0 is not one/,
      ],
      [[...db, '--port', '0', '--insecure-http', '--tls-cert', 'c.pem'], /leave out --tls-cert/],
      [[...db, '--port', '0'], /--tls-cert CERT.pem and --tls-key KEY.pem/],
      [[...db, '--port', '0', '--tls-cert', 'c.pem'], /--tls-key/],
      [[...db, '--port', 'http', '--insecure-http'], /--port must be a whole number/],
      [[...db, '--port', '70000', '--insecure-http'], /--port must be a whole number/],
      [[...db, '--insecure-http'], /--port is needed/],
      [['--port', '0', '--insecure-http'], /--db postgres:\/\/… is needed/],
      [['--db', 'mysql://x', '--port', '0', '--insecure-http'], /PostgreSQL URL/],
      [[...db, '--port', '0', '--insecure-http', '--colour'], /Unknown option '--colour'/],
      [[...db, '--port', '0', '--insecure-http', '--retention-days', '0'], /--retention-days/],
      [[...db, '--port', '0', '--insecure-http', '--retention-days', '1.5'], /--retention-days/],
      [['enrol', ...db], /Unknown command: enrol/],
      [['serve', ...db], /Unknown command: serve/],
      [['enrolment-code', ...db, '--valid-hours', '0'], /--valid-hours/],
      [['enrolment-code', ...db, '--valid-hours', 'soon'], /--valid-hours must be a number/],
      [['enrolment-code', ...db, '--port', '1'], /--port is not an option of enrolment-code/],
      [['revoke', ...db], /--workstation ID/],
      [[...db, '--port', '0', '--insecure-http', 'extra'], /Unexpected argument|positional/i],
    ];
    for (const [args, message] of cases) {
      expect(() => parseServerCommand(args), args.join(' ')).toThrow(UsageError);
      expect(() => parseServerCommand(args), args.join(' ')).toThrow(message);
    }
  });
});
