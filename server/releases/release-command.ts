// Runs `server release keygen|sign` for main.ts: what it wrote, or why it could not (exit 1).
import { writeFile } from 'node:fs/promises';
import { signedReleaseFileName } from '../../shared/update/release';
import type { ReleaseCommand } from '../cli/release-args';
import { signRelease, writeSigningKeyPair } from './release-signing';

export async function runReleaseCommand(command: ReleaseCommand): Promise<number> {
  try {
    if (command.kind === 'release-keygen') {
      const made = await writeSigningKeyPair(command.outDir);
      console.log(`Release signing key ${made.keyId}:`);
      console.log(`  private: ${made.privatePath} (only you may read it; keep it off the server)`);
      console.log(
        `  public:  ${made.publicPath} (give it to the central server: --update-public-key, ` +
          'and build it into the workstation)',
      );
      return 0;
    }
    const signed = await signRelease(command);
    const out = command.out ?? signedReleaseFileName(command.platform);
    await writeFile(out, `${JSON.stringify(signed, null, 2)}\n`);
    console.log(
      `Signed ${command.version} (${command.platform}) with key ${signed.keyId}: ${out} ` +
        `(${signed.manifest.files.map((f) => f.name).join(', ')}). Upload it with its files on ` +
        "the central server's admin page (Releases).",
    );
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
