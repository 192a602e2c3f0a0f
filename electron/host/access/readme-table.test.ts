// "What each may do is one table in the code and in the README": the README's table is the
// code's, word for word (shared/ tests cannot read files, so this one lives here).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accessTableMarkdown } from '../../../shared/security/access-table';

describe('the access table in the README', () => {
  it('is there as the code has it', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(accessTableMarkdown());
  });
});
