// The strips' fonts on the workstation: found beside a packaged app or in resources/fonts, opened
// with shared/strips/strip-fonts.ts (the chains, shared with the central server). Opened once, by
// the strip worker (strip-worker.ts).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStripFonts, type StripFonts } from '../../../shared/strips/strip-fonts';
import { findUp } from '../locate';

export { STRIP_FONT_FILES, type StripFonts } from '../../../shared/strips/strip-fonts';

/** Present in the fonts folder, from source and packaged alike. */
const MARKER = 'NOTICE.md';

/**
 * The folder of the strips' fonts: beside the executable in a packaged app (electron-builder's
 * extraResources), otherwise `resources/fonts` above this module (source, tests, the build).
 */
export function stripFontsDir(
  resourcesPath: string | undefined = (process as { resourcesPath?: string }).resourcesPath,
  from?: string,
): string {
  if (resourcesPath && existsSync(join(resourcesPath, 'fonts', MARKER))) {
    return join(resourcesPath, 'fonts');
  }
  const root = findUp(join('resources', 'fonts', MARKER), from);
  if (!root) {
    throw new Error(
      'The fonts for printing strips (resources/fonts) are missing from this installation: ' +
        'reinstall the workstation.',
    );
  }
  return join(root, 'resources', 'fonts');
}

export function loadStripFonts(dir: string): Promise<StripFonts> {
  return openStripFonts((file) => readFile(join(dir, file)), 'reinstall the workstation.');
}
