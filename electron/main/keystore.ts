// The desktop shell's keystore for the sync credential: Electron's safeStorage, which seals with
// the OS keystore (macOS Keychain, Windows DPAPI, the Linux secret service). Where the OS offers
// none (Linux without a secret service: safeStorage would fall back to a hard-coded key), the
// host's own key file (0600 in the data directory) is used instead.
import { safeStorage } from 'electron';
import type { Keystore } from '../host/sync/keystore';

/** Call once the app is ready. Null when the OS keystore is not available. */
export function osKeystore(): Keystore | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return null;
  }
  return {
    kind: 'os',
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
