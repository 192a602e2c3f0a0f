// The one effect of exporting: putting a writer's files into a folder.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportFile } from './record';

/** Writes every file into `folder` (created if missing); returns the paths written. */
export async function writeExportFiles(
  folder: string,
  files: readonly ExportFile[],
): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const paths: string[] = [];
  for (const file of files) {
    if (file.name !== file.name.replace(/[/\\]/g, '') || file.name.startsWith('.')) {
      throw new Error(`export file name "${file.name}" must be a plain file name`);
    }
    const path = join(folder, file.name);
    await writeFile(path, file.contents);
    paths.push(path);
  }
  return paths;
}
