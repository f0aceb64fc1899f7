import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * Starts a throwaway Postgres from the system's binaries (Debian's `postgresql` package) in a
 * temporary folder, as the user `postgres` when the tests run as root, since Postgres refuses
 * to run as root. Used by the global setup, so it imports nothing of vitest.
 */

export const INSTALL_HINT =
  'Postgres tests need a server: install the binaries with `apt-get install -y postgresql` (Debian/Ubuntu; the tests start ' +
  'their own throwaway server from them), or set TEST_DATABASE_URL=postgres://user@host:port/db to a server whose role may CREATE DATABASE.';

/** The folder holding initdb/pg_ctl: on PATH, or Debian's versioned folder (newest first). */
function findBinaries(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = join(debian, version, 'bin');
      if (existsSync(join(dir, 'initdb'))) return dir;
    }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type ThrowawayPostgres = {
  url: string;
  stop(): void;
  /** `pg_ctl stop -m fast`: the server ends every session and goes away, its data kept. Off this thread's loop. */
  halt(): Promise<void>;
  /** Starts it again on the same data folder and port. */
  resume(): Promise<void>;
};

/** initdb + pg_ctl start in a temporary folder; settings for speed, since the data is thrown away. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = findBinaries();
  if (!bin) throw new Error(`no initdb/pg_ctl found on PATH or under /usr/lib/postgresql. ${INSTALL_HINT}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-pg-'));
  const asRoot = process.getuid?.() === 0;
  let runAs: string[] = [];
  if (asRoot) {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) {
      throw new Error(
        `running as root, and Postgres refuses root: the tests run it as the user "postgres", which does not exist. ${INSTALL_HINT}`,
      );
    }
    // The data folder must belong to the user the server runs as; /tmp itself lets anyone in.
    chownSync(dataDir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
    runAs = ['runuser', '-u', 'postgres', '--'];
  }
  const failure = (tool: string, error: unknown) => {
    const log = existsSync(join(dataDir, 'server.log')) ? readFileSync(join(dataDir, 'server.log'), 'utf8') : '';
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr) : '';
    return new Error(`${tool} failed: ${stderr}\n${log}`.trim());
  };
  const run = (tool: string, args: string[]) => {
    const [command, ...rest] = [...runAs, join(bin, tool), ...args];
    try {
      execFileSync(command!, rest, { stdio: 'pipe', cwd: dataDir });
    } catch (error) {
      throw failure(tool, error);
    }
  };
  // The same, without blocking this thread: a test keeps talking to the gateway meanwhile.
  const runAsync = async (tool: string, args: string[]) => {
    const [command, ...rest] = [...runAs, join(bin, tool), ...args];
    await promisify(execFile)(command!, rest, { cwd: dataDir }).catch((error: unknown) => {
      throw failure(tool, error);
    });
  };
  run('initdb', ['-D', dataDir, '-U', 'gateway', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dataDir}`,
    '-c listen_addresses=127.0.0.1',
    // Throwaway data: nothing needs to survive a crash, so skip the flushes.
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    // Several gateways per test, each with a pool, and test files side by side.
    '-c max_connections=400',
  ].join(' ');
  const start = ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', options, '-w', '-t', '60', 'start'];
  run('pg_ctl', start);
  return {
    url: `postgres://gateway@127.0.0.1:${port}/postgres`,
    halt: () => runAsync('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']),
    resume: () => runAsync('pg_ctl', start),
    stop() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
