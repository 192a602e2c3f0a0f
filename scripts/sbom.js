// The software bill of materials IT and regulators ask for: a CycloneDX SBOM of what ships in the
// installers (the runtime dependencies, never the devDependencies that only build and test them).
// It is electron-builder's afterAllArtifactBuild hook (electron-builder.yml), so every build of
// installers writes dist/sbom.cdx.json beside them and publishes it with them, however the build
// was started; `node scripts/sbom.js [file]` writes one on its own.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SBOM_FILE_NAME = 'sbom.cdx.json';
const root = join(import.meta.dirname, '..');
const cli = join(
  dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-npm')),
  'bin',
  'cyclonedx-npm-cli.js',
);

/** Writes the SBOM of `projectDir`'s runtime dependencies to `outFile`; throws with npm's words. */
export function writeSbom(outFile, projectDir = root) {
  mkdirSync(dirname(resolve(outFile)), { recursive: true });
  const result = spawnSync(
    process.execPath,
    [
      cli,
      '--omit',
      'dev',
      '--spec-version',
      '1.6',
      '--output-format',
      'JSON',
      '--output-file',
      resolve(outFile),
      join(projectDir, 'package.json'),
    ],
    { cwd: projectDir, encoding: 'utf8' },
  );
  if (result.error || result.status !== 0) {
    const reason = result.error?.message ?? result.stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(
      `The SBOM (${outFile}) could not be written: ${reason}\nRun \`npm ci\` so node_modules matches package-lock.json, then build again.`,
    );
  }
  return resolve(outFile);
}

/** electron-builder hook: the returned file is published with the installers. */
export async function afterAllArtifactBuild(buildResult) {
  return [writeSbom(join(buildResult.outDir, SBOM_FILE_NAME))];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const written = writeSbom(process.argv[2] ?? join(root, 'dist', SBOM_FILE_NAME));
    console.log(`SBOM written: ${written}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
