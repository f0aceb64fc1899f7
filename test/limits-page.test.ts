import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { limitsPage, limitsPagePath } from '../src/scripts/limits-page.ts';

describe('docs/input-limits.md', () => {
  it('is what the script prints from src/domain/limits.ts (run npm run limits:print)', () => {
    expect(readFileSync(limitsPagePath, 'utf8')).toBe(limitsPage());
  });

  it('is linked from the table of bounds, docs/limits.md', () => {
    expect(readFileSync(new URL('../docs/limits.md', import.meta.url), 'utf8')).toContain('](input-limits.md)');
  });
});
