import { BLOCKED_ADDRESS_CODE } from './guarded-connector.ts';

/*
 * Turns a failed attempt's error into an outcome and a short message. Messages are built from
 * error codes, never from the error's own text, which may quote request details.
 */

type FailureOutcome = 'TIMED_OUT' | 'CONNECTION_ERROR' | 'BLOCKED';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

const CONNECTION_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_INVALID_ARG: 'request could not be sent',
};

interface CodedError {
  code: string;
  message: string;
}

/** The first error along the `cause` chain that carries a code. */
function codedError(error: unknown): CodedError | undefined {
  for (let current = error; typeof current === 'object' && current !== null; current = (current as { cause?: unknown }).cause) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return { code, message: typeof message === 'string' ? message : code };
  }
  return undefined;
}

/**
 * This process or machine ran out of something (descriptors, memory, socket buffers, local
 * ports): the request never reached the receiver, so its failure is not the receiver's.
 */
const LOCAL_RESOURCE_CODES = new Set(['EMFILE', 'ENFILE', 'ENOMEM', 'ENOBUFS', 'EADDRNOTAVAIL']);

/** Thrown by the dispatcher instead of an attempt result: the worker puts the delivery back, nothing is recorded. */
export class LocalResourceError extends Error {
  constructor(readonly code: string) {
    super(`no attempt made: this process ran out of a local resource (${code})`);
    this.name = 'LocalResourceError';
  }
}

/** The local resource code anywhere along the `cause` chain (a wrapper may carry its own code first), or null. */
export function localResourceCode(error: unknown): string | null {
  for (let current = error; typeof current === 'object' && current !== null; current = (current as { cause?: unknown }).cause) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && LOCAL_RESOURCE_CODES.has(code)) return code;
  }
  return null;
}

function isTlsCode(code: string): boolean {
  return code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT');
}

/** undici's parser error (a peer that is not an HTTP server): it carries no code. */
function isParserError(error: unknown): boolean {
  for (let current = error; typeof current === 'object' && current !== null; current = (current as { cause?: unknown }).cause) {
    if ((current as { name?: unknown }).name === 'HTTPParserError') return true;
  }
  return false;
}

export function describeFailure(error: unknown): { outcome: FailureOutcome; error: string } {
  if (isParserError(error)) return { outcome: 'CONNECTION_ERROR', error: 'the receiver did not answer in HTTP/1.1 (HTTPParserError)' };
  const coded = codedError(error);
  if (coded === undefined) return { outcome: 'CONNECTION_ERROR', error: 'connection failed' };
  const { code } = coded;
  // Our own message: it names the host and address, nothing from the request.
  if (code === BLOCKED_ADDRESS_CODE) return { outcome: 'BLOCKED', error: coded.message };
  if (TIMEOUT_CODES.has(code)) return { outcome: 'TIMED_OUT', error: `timed out (${code})` };
  const label = CONNECTION_MESSAGES[code] ?? (isTlsCode(code) ? 'TLS handshake failed' : 'connection failed');
  return { outcome: 'CONNECTION_ERROR', error: `${label} (${code})` };
}
