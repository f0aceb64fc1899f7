import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { stdoutLines } from './process.ts';

export const repoRoot = new URL('../..', import.meta.url).pathname;

/**
 * A fenced code block of README.md and the marker comment on the line before it:
 * `<!-- snippet: NAME -->` for a block a user runs (a test runs it as written), or
 * `<!-- example: NAME -->` for one that only shows what comes back (a test checks its shape).
 */
export type Block = { kind: 'snippet' | 'example' | null; name: string | null; lang: string; code: string; line: number };

const FENCE = /^( *)(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const MARKER = /^\s*<!--\s*(snippet|example):\s*([a-z0-9-]+)\s*-->\s*$/;

/** Every fenced block of a Markdown text, indented ones (in list items) included, with its marker if any. */
export function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^ *${fence[0]}{${fence.length},}\\s*$`).test(lines[end] ?? '')) end++;
    const code = lines
      .slice(i + 1, end)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
      .join('\n');
    let before = i - 1;
    while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
    const marker = MARKER.exec(lines[before] ?? '');
    blocks.push({
      kind: (marker?.[1] as Block['kind']) ?? null,
      name: marker?.[2] ?? null,
      lang,
      code: `${code}\n`,
      line: i + 1,
    });
    i = end;
  }
  return blocks;
}

export function readmeBlocks(): Block[] {
  return fencedBlocks(readFileSync(new URL('README.md', `file://${repoRoot}`), 'utf8'));
}

/** The README block with this marker; fails when there is none or more than one. */
export function readmeBlock(name: string): Block {
  const found = readmeBlocks().filter((block) => block.name === name);
  if (found.length !== 1) throw new Error(`README.md has ${found.length} blocks marked "${name}"`);
  return found[0]!;
}

/**
 * Replaces the README's placeholders with real values, and nothing else. Each placeholder
 * given must occur in the code, so a renamed placeholder fails here rather than running as is.
 */
export function fill(code: string, values: Partial<Record<Placeholder, string>>): string {
  let filled = code;
  for (const [placeholder, value] of Object.entries(values) as [Placeholder, string][]) {
    const pattern = placeholders[placeholder];
    if (!pattern.test(filled)) throw new Error(`placeholder ${placeholder} (${pattern}) not found in:\n${code}`);
    filled = filled.replace(new RegExp(pattern.source, 'g'), value);
  }
  return filled;
}

/** How the README writes what a reader replaces with their own value. */
export const placeholders = {
  /** An API key: `whgw_...` or `whgw_…`. */
  key: /whgw_(\.\.\.|…)/,
  /** A webhook id. */
  webhookId: /wh_(\.\.\.|…)/,
  /** A webhook's signing secret. */
  secret: /whsec_(\.\.\.|…)/,
  /** The gateway's address, `npm start`'s default. */
  gateway: /127\.0\.0\.1:4000/,
  /** The file the Prometheus example reads the metrics token from. */
  metricsTokenFile: /\/etc\/prometheus\/webhook-gateway-token/,
  /** The port the example receiver listens on. */
  receiverPort: /\b9000\b/,
} as const;
export type Placeholder = keyof typeof placeholders;

export type Shell = {
  lines: string[];
  stderr: string[];
  /** Resolves with the first stdout line (seen or to come) that matches; rejects if the command ends first. */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Exit code, once the command has ended. */
  exited: Promise<number | null>;
  /** Ends the command and everything it started (its own process group). */
  stop(): Promise<void>;
  /** What it printed, for failure messages. */
  transcript(): string;
};

const running = new Set<Shell>();

/** Runs a command with `bash -c`, as a reader pastes it into a shell, in its own process group. */
export function runShell(command: string, options: { cwd?: string; env?: Record<string, string> } = {}): Shell {
  const child = spawn('bash', ['-c', command], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const transcript = () => `$ ${command}\n--- stdout\n${lines.join('\n')}\n--- stderr\n${stderr.join('\n')}`;
  const { lines, waitForLine } = stdoutLines(
    child.stdout,
    exited,
    (pattern, code) => `ended (${code}) before printing ${pattern}\n${transcript()}`,
  );
  const shell: Shell = {
    lines,
    stderr,
    exited,
    transcript,
    waitForLine,
    async stop() {
      running.delete(shell);
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await exited;
    },
  };
  running.add(shell);
  void exited.then(() => running.delete(shell));
  return shell;
}

/** Runs a command to its end; rejects with its transcript unless it exits 0. */
export async function runToEnd(command: string, options: { cwd?: string; env?: Record<string, string> } = {}): Promise<string> {
  const shell = runShell(command, options);
  const code = await shell.exited;
  if (code !== 0) throw new Error(`exited with ${code}\n${shell.transcript()}`);
  return shell.lines.join('\n');
}

/** Stops every command a test left running. */
export async function stopShells(): Promise<void> {
  await Promise.all([...running].map((shell) => shell.stop()));
}

/** Waits for `promise`, but at most `ms`, then fails with what the command printed so far. */
export function within<T>(promise: Promise<T>, ms: number, shell: Pick<Shell, 'transcript'>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing after ${ms} ms\n${shell.transcript()}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
