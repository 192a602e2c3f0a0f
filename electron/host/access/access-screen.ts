// What the router needs of a screen (one connection: an Electron window, a browser tab, a
// script): who it acts as, and whether it may do a thing now. Implemented by the screen sessions
// of electron/host/access (sign-in, PIN unlock, idle lock); the router only asks.
import type { ScreenAccess } from '../../../shared/api/contract-access';
import type { Permission } from '../../../shared/security/access';

export interface AccessScreen {
  /** For log lines: "browser tab 3", "desktop window 1", "script". */
  readonly label: string;
  /** The name written on rows and in the audit trail for what this screen does now. */
  actor(): string;
  /** The signed-in user's id, or null (unidentified, script, not set up). */
  userId(): string | null;
  /**
   * Throws ApiError 'sign_in_required' (nobody signed in, or locked: details { locked }) or
   * 'forbidden' (the role does not allow it, naming what) unless this screen may do it now.
   * `what` names the request for the sentence.
   */
  authorize(permission: Permission, what: string): void;
  /** A permitted action beyond watching was taken: the idle lock starts again. */
  noteAction(): void;
  /** This screen's access now. */
  access(): ScreenAccess;
  /** The access now, then on every change. Returns the unsubscribe. */
  subscribe(listener: (access: ScreenAccess) => void): () => void;
  /** The connection ended. */
  close(): void;
}
