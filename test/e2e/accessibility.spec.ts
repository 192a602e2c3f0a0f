// axe-core on every view, in the night and the day theme: no serious or critical violation.
// Two demo beds (`serve --demo 2`) give every view something real to show.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type RunningCommand } from '../support/processes';
import { seriousViolations } from '../support/page-checks';

let dir: string;
let serve: RunningCommand;
let url: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-axe-'));
  serve = runCli([
    'serve',
    ...[
      '--port',
      '0',
      '--data',
      join(dir, 'data'),
      '--token',
      'e2e-accessibility-views',
      '--demo',
      '2',
    ],
  ]);
  url = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 60_000))[1]!;
});

test.afterAll(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const VIEWS: Array<{ name: string; hash: string; ready: string }> = [
  { name: 'central station', hash: '#/', ready: 'central-station' },
  { name: 'bedside', hash: '#/bed/bed-1-demo', ready: 'bedside' },
  { name: 'trends', hash: '#/bed/bed-1-demo/trends', ready: 'trends' },
  { name: 'review', hash: '#/bed/bed-1-demo/review', ready: 'review' },
  { name: 'patients', hash: '#/patients', ready: 'patients' },
  { name: 'devices', hash: '#/devices', ready: 'devices-view' },
];

for (const theme of ['night', 'day'] as const) {
  test(`every view in the ${theme} theme has no serious or critical axe violation`, async ({
    page,
  }) => {
    await page.addInitScript((chosen) => localStorage.setItem('workstation.theme', chosen), theme);
    // Flashing alarms change colour twice a second; axe reads contrast from a still frame.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const found: Record<string, string[]> = {};
    for (const view of VIEWS) {
      await page.goto(`${url}${view.hash}`);
      await expect(page.getByTestId(view.ready)).toBeVisible({ timeout: 30_000 });
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await page.waitForTimeout(1500);
      const violations = await seriousViolations(page);
      if (theme === 'day') {
        await page.screenshot({ path: `test-results/screenshots/day-${view.ready}.png` });
      }
      if (violations.length > 0) found[view.name] = violations;
    }
    expect(found).toEqual({});
  });
}
