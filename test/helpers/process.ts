import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export const tsxBin = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
/** tsx's ESM loader, for running a script in one node process (see `direct`). */
export const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export type SpawnOptions = {
  /**
   * Run `node --import tsx <script>` instead of the tsx CLI. The CLI runs the script in a child
   * process and only relays signals it can catch: SIGKILL kills the CLI and leaves the script
   * running. Tests that kill the script itself need `direct: true`.
   */
  direct?: boolean;
};

export type Spawned = {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  /** Resolves with the first stdout line (seen or to come) that matches. */
  waitForLine(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
};

/** Runs a project script with tsx, collecting its stdout line by line. */
export function spawnScript(script: string, args: string[], env: Record<string, string>, options: SpawnOptions = {}): Spawned {
  const [command, argv] = options.direct ? [process.execPath, ['--import', tsxLoader, script, ...args]] : [tsxBin, [script, ...args]];
  return spawned(spawn(command, argv, { env: { ...process.env, ...env }, stdio: 'pipe' }));
}

/**
 * The server exactly as `npm start` runs it: package.json's start command (node on the compiled
 * build/, which the tests' global setup brings up to date), with this node, in one process.
 */
export function spawnServer(env: Record<string, string>): Spawned {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const [node, ...argv] = packageJson.scripts.start.split(' ');
  if (node !== 'node') throw new Error(`npm start runs ${node}, not node: spawnServer needs to learn it`);
  return spawned(
    spawn(process.execPath, argv, { cwd: new URL('../..', import.meta.url).pathname, env: { ...process.env, ...env }, stdio: 'pipe' }),
  );
}

function spawned(child: ChildProcessWithoutNullStreams): Spawned {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const { lines, waitForLine } = stdoutLines(
    child.stdout,
    exited,
    (pattern, code) => `exited with ${code} before printing ${pattern}; stdout:\n${lines.join('\n')}`,
  );
  return { child, lines, exited, waitForLine };
}

/**
 * A child's stdout as lines, and `waitForLine`: the first line (seen or to come) that matches,
 * or a rejection with `failure`'s message once the child has ended without printing one.
 */
export function stdoutLines(stdout: Readable, exited: Promise<number | null>, failure: (pattern: RegExp, code: number | null) => string) {
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: stdout }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  return {
    lines,
    waitForLine(pattern: RegExp): Promise<string> {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(failure(pattern, code))));
      });
    },
  };
}
