/*
 * Whether an error says the database is away (Postgres stopping, restarting, failing over, or
 * out of reach) rather than that the statement was wrong: the same request succeeds once it is
 * back, so callers are told to retry (app.ts, DATABASE_UNAVAILABLE). pg reports this four ways:
 * a SQLSTATE from the server, a socket code, a driver message without a code, or several
 * connect errors in an AggregateError (one per address tried).
 */

/** Connection exceptions (class 08), and the server ending or refusing sessions while it stops or starts (57P01-57P03). */
const SERVER_STATES = /^(08[0-9A-Z]{3}|57P0[123])$/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const DRIVER_MESSAGES = /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable)/;

/** The disk under the database has no room: SQLite's SQLITE_FULL, Postgres's disk_full (53100). */
export function isStorageFull(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isStorageFull);
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return code === 'SQLITE_FULL' || code === '53100';
}

/** A write that fails now and succeeds unchanged once the database is back or has room again. */
export function isTransientStoreError(error: unknown): boolean {
  return isDatabaseUnavailable(error) || isStorageFull(error);
}

export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SERVER_STATES.test(code) || SOCKET_CODES.has(code))) return true;
  return DRIVER_MESSAGES.test(error.message);
}
