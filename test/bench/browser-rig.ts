// What the browser benchmarks share: the workstation core in this process with the given
// devices, the browser shell on a free port, and Debian's Chromium. close() stops all three.
import { chromium, type Browser } from '@playwright/test';
import {
  startWorkstation,
  type Workstation,
  type WorkstationOptions,
} from '../../electron/host/workstation';
import { startBrowserShell, type BrowserShell } from '../../electron/cli/serve/server';
import { rendererDir } from '../../electron/host/locate';
import type { DeviceConfig } from '../../electron/host/devices/device-config';
import { CHROMIUM_LAUNCH } from '../support/chromium';

export interface BrowserRig {
  workstation: Workstation;
  shell: BrowserShell;
  browser: Browser;
  close(): Promise<void>;
}

export async function startBrowserRig(
  dataDir: string,
  devices: DeviceConfig[],
  options: Pick<WorkstationOptions, 'retention'> = {},
): Promise<BrowserRig> {
  const workstation = await startWorkstation({ ...options, dataDir, devices, log: () => {} });
  const shell = await startBrowserShell({
    router: workstation.router,
    rendererDir: rendererDir(),
    port: 0,
    token: 'bench-browser-rig-token',
  });
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  return {
    workstation,
    shell,
    browser,
    async close() {
      await browser.close();
      await shell.close();
      await workstation.stop();
    },
  };
}
