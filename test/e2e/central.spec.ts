// The central station with 16 demo beds (`serve --demo 16`: simulators of five device kinds on
// real pseudo-terminals, playing real recordings). Every bed is a tile with a live canvas; the
// desaturating bed is named as the most urgent; one click or Enter opens a bed.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type RunningCommand } from '../support/processes';

let dir: string;
let serve: RunningCommand;
let url: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ws-e2e-central-'));
  serve = runCli([
    'serve',
    ...['--port', '0', '--data', join(dir, 'data'), '--token', 'e2e-token', '--demo', '16'],
  ]);
  url = (await serve.waitForLine(/Workstation ready at (http:\/\/\S+)/, 60_000))[1]!;
});

test.afterAll(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test.use({ viewport: { width: 1920, height: 1080 } });

/** Pixels of each tile's canvas that are not background (the trace's ink). */
function inkPerTile(page: Page): Promise<number[]> {
  return page.locator('[data-bed-id] canvas').evaluateAll((canvases) =>
    canvases.map((canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) inked++;
      return inked;
    }),
  );
}

test('sixteen beds on one screen, the most urgent named, one click opens a bed', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);

  // 16 tiles in a 4 × 4 grid, each with a live canvas inside, all within the screen.
  const tiles = page.locator('[data-bed-id]');
  await expect(tiles).toHaveCount(16);
  await expect(page.locator('[data-bed-id] canvas')).toHaveCount(16, { timeout: 30_000 });
  await expect
    .poll(async () => Math.min(...(await inkPerTile(page))), { timeout: 30_000 })
    .toBeGreaterThan(200);
  for (const box of await tiles.evaluateAll((all) =>
    all.map((t) => t.getBoundingClientRect().bottom),
  )) {
    expect(box).toBeLessThanOrEqual(1080);
  }
  // The trace moves: the ink changes from one moment to the next.
  const before = await inkPerTile(page);
  await page.waitForTimeout(500);
  const after = await inkPerTile(page);
  expect(after.filter((ink, i) => ink !== before[i]).length).toBeGreaterThanOrEqual(14);

  // Bed 8 desaturates (SpO₂ 89 %, limit 90 %): a medium alarm, flashing, named at the top.
  const bed8 = tiles.filter({ hasText: 'Bed 8 (demo)' });
  await expect(bed8).toHaveAttribute('data-priority', 'medium', { timeout: 30_000 });
  await expect(bed8).toHaveAttribute('data-state', 'active');
  await expect(bed8.getByTestId('tile-alarm')).toContainText('SpO₂ low');
  const urgent = page.getByTestId('most-urgent');
  await expect(urgent).toHaveAttribute('data-priority', 'medium');
  await expect(urgent).toContainText(/Bed (8|16) \(demo\)/);
  // The HealthyPi 4 bed's synthetic pleth is not mistaken for a clipped one.
  await expect(tiles.filter({ hasText: 'Bed 6 (demo)' })).toHaveAttribute('data-priority', 'none');
  await page.screenshot({ path: 'test-results/screenshots/central.png' });

  // One click anywhere on a tile opens that bed.
  await tiles.filter({ hasText: 'Bed 2 (demo)' }).locator('.tile__body').click();
  await expect(page.getByRole('heading', { name: 'Bed 2 (demo)' })).toBeVisible();
  await expect(page.getByTestId('bedside')).toBeVisible();

  // Back to the station from the navigation bar, then a bed by keyboard alone.
  await page.getByTestId('nav-central').click();
  await expect(tiles).toHaveCount(16);
  const open3 = tiles.filter({ hasText: 'Bed 3 (demo)' }).getByTestId('open-bed');
  await open3.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Bed 3 (demo)' })).toBeVisible();
  expect(problems).toEqual([]);
});
