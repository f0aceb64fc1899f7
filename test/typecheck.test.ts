import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

// CI runs npm test only, so the strict type check has to be part of it.
it('npm run typecheck is clean', () => {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 120_000);
