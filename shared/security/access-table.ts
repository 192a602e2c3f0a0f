// The access table in words, for the README: generated from the table itself, and a test checks
// the README holds exactly this text, so the two cannot drift apart.
import { Permission, PERMISSION_WORDS, Role, ROLE_PERMISSIONS, ROLE_WORDS } from './access';

/** A Markdown table: one row per permission, one column per role, ✓ where the role has it. */
export function accessTableMarkdown(): string {
  const roles = Role.options;
  const head = `| may … | ${roles.map((role) => ROLE_WORDS[role]).join(' | ')} | locked or nobody signed in |`;
  const rule = `|---|${roles.map(() => ':-:').join('|')}|:-:|`;
  const rows = Permission.options.map((permission) => {
    const marks = roles.map((role) => (ROLE_PERMISSIONS[role].includes(permission) ? '✓' : ''));
    const locked = permission === 'monitor' || permission === 'pause-audio' ? '✓' : '';
    return `| ${PERMISSION_WORDS[permission]} | ${marks.join(' | ')} | ${locked} |`;
  });
  return [head, rule, ...rows].join('\n');
}
