import { type Config, ConfigError } from './config.ts';

/*
 * What a failed start prints: which step failed and why, down its `cause` chain, so a wrong
 * DATABASE_URL shows pg's own message and code rather than only "migration (unknown) failed".
 * The database password never reaches the output, in whatever error it appears.
 */

/** The database the configuration names, as logs may show it: never its password. */
export function databaseInUse(config: Pick<Config, 'databasePath' | 'databaseUrl'>): Record<string, string | number> {
  if (!config.databaseUrl) return { engine: 'sqlite', path: config.databasePath };
  const url = new URL(config.databaseUrl);
  return {
    engine: 'postgres',
    host: decodeURIComponent(url.hostname) || 'localhost',
    port: Number(url.port || 5432),
    database: decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username),
    user: decodeURIComponent(url.username),
  };
}

/** The port is taken: say which, and how to pick another. */
export class PortInUseError extends Error {
  constructor(host: string, port: number) {
    super(
      `port ${port} on ${host} is already in use (another gateway or program listens there); stop it, or start on another port: PORT=${port + 1} npm start`,
    );
    this.name = 'PortInUseError';
  }
}

/** The lines a failed start prints to stderr. */
export function describeStartupError(error: unknown, config: Pick<Config, 'databaseUrl' | 'databasePath'> | null): string {
  if (error instanceof ConfigError || error instanceof PortInUseError) return error.message;
  const lines = [`gateway failed to start: ${oneLine(error)}`];
  const seen = new Set<unknown>([error]);
  for (let cause = causeOf(error); cause !== undefined && !seen.has(cause); cause = causeOf(cause)) {
    seen.add(cause);
    lines.push(`  caused by: ${oneLine(cause)}`);
  }
  if (config?.databaseUrl) {
    const { host, port, database, user } = databaseInUse(config);
    lines.push(`  database: postgres at ${host}:${port}, database "${database}", user "${user}" (DATABASE_URL)`);
  }
  if (error instanceof Error && error.stack) lines.push(error.stack.split('\n').slice(1).join('\n'));
  return redact(lines.join('\n'), config?.databaseUrl ?? null);
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

/** An error's message and code; an AggregateError (one per address tried) lists its errors. */
function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const own = `${error.message || error.name}${typeof code === 'string' && !error.message.includes(code) ? ` (${code})` : ''}`;
  if (error instanceof AggregateError && error.errors.length > 0) return `${own}: ${error.errors.map(oneLine).join('; ')}`;
  return own;
}

/** Replaces the DATABASE_URL's password, as written and decoded, wherever it appears. */
function redact(text: string, databaseUrl: string | null): string {
  if (!databaseUrl) return text;
  let password: string;
  try {
    password = new URL(databaseUrl).password;
  } catch {
    return text;
  }
  if (!password) return text;
  let out = text;
  for (const form of new Set([password, safeDecode(password)])) if (form) out = out.split(form).join('***');
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
