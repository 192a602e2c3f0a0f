// The admin page's hospital connections, as IT uses them: the server from source with its ADT
// listener and a PCD-01 feed pointed at an interface engine that is not there yet. The page says
// where each link is and how it stands (an ADT message sent over MLLP by simple-hl7 is counted;
// PCD-01 says it is not connected and that nothing is lost). A FHIR client is added by pasting its
// public key (a private key is refused first); the client then gets a real token with a JWT signed
// by its private key; revoked on the page, it gets none. axe-core finds no serious violation.
import { expect, test } from '@playwright/test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, type TestDatabase } from '../../server/test-support/database';
import { adtMessage, mllpClient, sendAdt } from '../../server/test-support/adt-feed';
import { bearer, call } from '../../server/test-support/http-client';
import { startServerProcess, type ServerProcess } from '../../server/test-support/server-process';
import { INTERFACE_PATHS } from '../../shared/sync/interfaces';
import { seriousViolations } from '../support/page-checks';

const ADMIN_TOKEN = 'e2e-central-links-token-0123456789';

let dir: string;
let database: TestDatabase;
let server: ServerProcess;

/** A loopback port nothing listens on (the interface engine, not set up yet). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-links-'));
  database = await freshDatabase('e2e_links');
  const tokenFile = join(dir, 'admin-token');
  writeFileSync(tokenFile, `${ADMIN_TOKEN}\n`, { mode: 0o600 });
  server = await startServerProcess(
    [
      ...['--db', database.url, '--insecure-http', '--port', '0', '--host', '127.0.0.1'],
      ...['--admin-token-file', tokenFile, '--adt-port', '0'],
      ...['--pcd01-to', `127.0.0.1:${await closedPort()}`, '--pcd01-alarms'],
    ],
    60_000,
  );
});

test.afterAll(async () => {
  await server?.stop();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('IT sees the HL7 links and adds, uses and revokes a FHIR client', async ({ page }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));

  // One admission from the hospital's feed, before IT looks.
  const links = await call(server.url, INTERFACE_PATHS.status, {
    headers: bearer(ADMIN_TOKEN),
    noProtocol: true,
  });
  expect(links.status, links.text).toBe(200);
  const adtPort = Number(String(links.json.adt.address).split(':').at(-1));
  const client = mllpClient(adtPort);
  await sendAdt(
    client,
    adtMessage('A01', 'E2E-LINKS-1', {
      mrn: 'FICT-LINKS-1',
      family: 'Testlink',
      given: 'Ida',
      location: ['ICU', '3', '12'],
    }),
  );
  client.close?.();

  await page.goto(`${server.url}/admin`);
  await page.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();

  const adt = page.getByTestId('link-adt');
  await expect(adt).toContainText(`Listening at ${links.json.adt.address}`);
  await expect(adt).toContainText('1 message applied in the last 24 h; the newest at');
  await expect(adt).toContainText('1 patient on the hospital list, 1 admitted.');
  const pcd01 = page.getByTestId('link-pcd01');
  await expect(pcd01).toContainText(', with the alarms (ORU^R40).');
  await expect(pcd01).toContainText(
    'Not connected to the interface engine: trying again; nothing is lost meanwhile.',
  );
  await expect(pcd01).toContainText('0 waiting to be sent, 0 set aside after refusals');

  // A FHIR client: its private key pasted by mistake is refused, nothing is kept.
  const { publicKey, privateKey } = await generateKeyPair('ES384', { extractable: true });
  const kid = 'ehr-import-key-1';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES384' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES384' };
  await page.getByLabel('Name', { exact: true }).fill('EHR vital-signs import');
  await page.getByTestId('fhir-key').fill(JSON.stringify(privateJwk));
  await page.getByRole('button', { name: 'Add the client' }).click();
  await expect(page.getByTestId('fhir-add-problem')).toContainText(
    'the key holds a private part: give the public key only',
  );
  await expect(page.getByTestId('fhir-client-row')).toHaveCount(0);
  await page.getByTestId('fhir-key').fill(JSON.stringify(publicJwk));
  await page.getByRole('button', { name: 'Add the client' }).click();
  const row = page.getByTestId('fhir-client-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('fhir-client-state')).toHaveText('Active');
  await expect(page.getByTestId('fhir-status')).toContainText('EHR vital-signs import added.');
  const clientId = (await row.locator('.admin-table__id').textContent())!;
  await page.screenshot({ path: 'docs/screenshots/admin-hospital-links.png', fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);

  // The client's owner gets a token with a JWT signed by its private key.
  const tokenUrl = `${server.url}/fhir/r4/auth/token`;
  const askToken = async () =>
    call(server.url, '/fhir/r4/auth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      noProtocol: true,
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await new SignJWT({})
          .setProtectedHeader({ alg: 'ES384', kid, typ: 'JWT' })
          .setIssuer(clientId)
          .setSubject(clientId)
          .setAudience(tokenUrl)
          .setExpirationTime(Math.floor(Date.now() / 1000) + 240)
          .setJti(randomUUID())
          .sign(privateKey),
        scope: 'system/Patient.rs',
      }).toString(),
    });
  const granted = await askToken();
  expect(granted.status, granted.text).toBe(200);
  const patients = await call(server.url, '/fhir/r4/Patient', {
    headers: bearer(granted.json.access_token as string),
    noProtocol: true,
  });
  expect(patients.status, patients.text).toBe(200);

  // Revoked on the page: its token stops working, and it gets no new one.
  await row.getByRole('button', { name: 'Revoke the FHIR client EHR vital-signs import…' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Its tokens stop working at once');
  await confirm.getByRole('button', { name: 'Revoke this client' }).click();
  await expect(page.getByTestId('fhir-status')).toHaveText('EHR vital-signs import is revoked.');
  await expect(row.getByTestId('fhir-client-state')).toHaveText(/^Revoked /);
  const after = await call(server.url, '/fhir/r4/Patient', {
    headers: bearer(granted.json.access_token as string),
    noProtocol: true,
  });
  expect(after.status).toBe(401);
  expect((await askToken()).status).toBe(401);
  expect(problems).toEqual([]);
});
