// Who may choose "Install now" at a workstation, in words, from the access table: the roles
// given 'system' (shared/security/access.ts). The host's refusal and the bedside dialog say the
// same, and both change with the table.
import { ROLE_PERMISSIONS, ROLE_WORDS, type Role } from '../security/access';

/** "biomedical engineer or IT administrator" (the table's order). */
export function installRoleWords(): string {
  const words = (Object.keys(ROLE_PERMISSIONS) as Role[])
    .filter((role) => ROLE_PERMISSIONS[role].includes('system'))
    // "Biomedical engineer" → "biomedical engineer"; "IT administrator" stays as it is.
    .map((role) => ROLE_WORDS[role].replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase()));
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words.join('');
}
