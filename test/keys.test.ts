import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers/app.ts';
import { Viewer } from './helpers/documents.ts';
import { spawnScript, type Spawned } from './helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'gateway-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run keys -- create --tenant NAME --scopes ADMIN`, with what it wrote to stderr. */
function keysCommand(databasePath: string, tenant: string) {
  const run: Spawned = spawnScript('src/scripts/keys.ts', ['create', '--tenant', tenant, '--scopes', 'ADMIN'], {
    DATABASE_PATH: databasePath,
  });
  let stderr = '';
  run.child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  return { run, stderr: () => stderr };
}

describe('the first keys of a new tenant', () => {
  it('two at once in one process both succeed, for one tenant', async () => {
    const gw = await startTestApp({ DATABASE_PATH: join(dir, 'in-process.db') }, { startWorker: false });
    try {
      const input = { name: 'concurrent', scopes: ['ADMIN' as const] };
      const created = await Promise.all([
        gw.app.services.apiKeys.createForTenantName('acme', input),
        gw.app.services.apiKeys.createForTenantName('acme', input),
      ]);
      expect(created[0].tenantId).toBe(created[1].tenantId);
      for (const { key } of created)
        expect((await gw.data(Viewer, {}, key)).viewer).toMatchObject({ tenantId: created[0].tenantId, tenantName: 'acme' });
    } finally {
      await gw.close();
    }
  });

  it('two `npm run keys` processes at once on one database both print a working key for the same tenant', async () => {
    const databasePath = join(dir, 'processes.db');
    // Another tenant first, so the schema exists: this is about the tenant, not two processes migrating at once.
    const setup = keysCommand(databasePath, 'someone-else');
    expect(await setup.run.exited, setup.stderr()).toBe(0);

    const runs = [keysCommand(databasePath, 'acme'), keysCommand(databasePath, 'acme')];
    const codes = await Promise.all(runs.map(({ run }) => run.exited));
    expect(codes, runs.map(({ stderr }) => stderr()).join('\n')).toEqual([0, 0]);
    const keys = runs.map(({ run }) => run.lines.at(-1)!);
    const tenantIds = runs.map(({ run }) => /\((ten_\w+)\)/.exec(run.lines.join('\n'))?.[1]);
    expect(tenantIds[0]).toBeDefined();
    expect(tenantIds[1]).toBe(tenantIds[0]);

    const gw = await startTestApp({ DATABASE_PATH: databasePath }, { startWorker: false });
    try {
      for (const key of keys) expect((await gw.data(Viewer, {}, key)).viewer).toMatchObject({ tenantId: tenantIds[0], tenantName: 'acme' });
    } finally {
      await gw.close();
    }
  });
});
