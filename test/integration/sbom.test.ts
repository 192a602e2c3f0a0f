// The SBOM every build of installers writes (scripts/sbom.js, electron-builder's
// afterAllArtifactBuild hook), made for real from this tree's node_modules into a temp folder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const sbom = (await import(join(root, 'scripts/sbom.js'))) as {
  SBOM_FILE_NAME: string;
  writeSbom(outFile: string, projectDir?: string): string;
  afterAllArtifactBuild(buildResult: { outDir: string }): Promise<string[]>;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

interface Component {
  group?: string;
  name: string;
  version: string;
  purl?: string;
  components?: Component[];
}

function componentNames(components: Component[], into = new Set<string>()): Set<string> {
  for (const c of components) {
    into.add(c.group ? `${c.group}/${c.name}` : c.name);
    componentNames(c.components ?? [], into);
  }
  return into;
}

const temp = mkdtempSync(join(tmpdir(), 'sbom-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('the SBOM written with every build of installers', () => {
  it('is CycloneDX 1.5 or later, written into the build’s output folder and returned to publish', async () => {
    const outDir = join(temp, 'dist');
    const published = await sbom.afterAllArtifactBuild({ outDir });
    expect(published).toEqual([join(outDir, sbom.SBOM_FILE_NAME)]);
    const bom = JSON.parse(readFileSync(published[0]!, 'utf8')) as {
      bomFormat: string;
      specVersion: string;
      metadata: { component: { name: string; version: string } };
      components: Component[];
    };
    expect(bom.bomFormat).toBe('CycloneDX');
    const [major, minor] = bom.specVersion.split('.').map(Number);
    expect(major === 1 && minor! >= 5).toBe(true);
    expect(bom.metadata.component.name).toBe('clinical-workstation');

    const names = componentNames(bom.components);
    // Every runtime dependency ships, so every one is listed (PGlite holds the clinical data).
    expect(names).toContain('@electric-sql/pglite');
    for (const name of Object.keys(pkg.dependencies)) expect(names, name).toContain(name);
    // What only builds and tests the app does not ship, so it is not in the bill.
    for (const name of Object.keys(pkg.devDependencies)) expect(names, name).not.toContain(name);
    const pglite = [...bom.components].find((c) => c.name === 'pglite');
    expect(pglite?.purl).toMatch(/^pkg:npm\/%40electric-sql\/pglite@\d/);
  });

  it('stops the build with a clear message when it cannot be written', () => {
    const empty = join(temp, 'no-project');
    expect(() => sbom.writeSbom(join(empty, 'out.json'), empty)).toThrow(
      /The SBOM .* could not be written: .*package\.json[\s\S]*npm ci/,
    );
  });
});
