// Where the build puts the update signing keys this workstation trusts: `update-keys/*.pub|*.pem`
// in the packaged app's resources, or resources/update-keys when run from source. IT adds its
// public key there before building (`server release keygen` writes release-signing-key.pub.pem);
// none: no update is ever installed.
import { join } from 'node:path';
import { findUp } from '../locate';

export const UPDATE_KEYS_FOLDER = 'update-keys';

/** The folder to read keys from (it may not exist: then no key is trusted); null: none found. */
export function updateKeysDir(): string | null {
  // Packaged: only the app's own resources, never a folder found from the working directory.
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) return join(packaged, UPDATE_KEYS_FOLDER);
  const root = findUp(join('resources', 'demo'));
  return root ? join(root, 'resources', UPDATE_KEYS_FOLDER) : null;
}
