import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from './gql/graphql.ts';

/*
 * The gateway's API as the page uses it: queries and mutations over HTTP with the key as the
 * X-API-Key header, subscriptions over one graphql-ws connection with the key in
 * connectionParams. The key lives in this module and in sessionStorage (this tab only); it is
 * never put in a URL.
 */

export const ENDPOINT = '/graphql';
const STORAGE_KEY = 'webhook-gateway.monitor.apiKey';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

let key: string | null = null;
let socket: Client | null = null;

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the key lasts as long as the page
  }
}

export function setKey(next: string | null): void {
  key = next;
  socket?.dispose();
  socket = null;
  try {
    if (next) sessionStorage.setItem(STORAGE_KEY, next);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    /* memory only */
  }
}

export async function request<R, V>(document: TypedDocumentString<R, V>, variables?: V): Promise<R> {
  if (!key) throw new ApiError('No API key', 401);
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json().catch(() => null)) as {
    data?: R;
    errors?: { message: string; extensions?: { code?: string } }[];
  } | null;
  const first = body?.errors?.[0];
  if (response.status === 401)
    throw new ApiError(`This key was not accepted (401): ${first?.message ?? 'unauthenticated'}`, 401, 'UNAUTHENTICATED');
  if (first && !body?.data) throw new ApiError(first.message, response.status, first.extensions?.code);
  if (!body?.data) throw new ApiError(`HTTP ${response.status}`, response.status);
  return body.data;
}

/** Close codes after which subscribing again cannot help: the key was refused or revoked (src/live/registry.ts). */
const KEY_REFUSED = new Set([4401, 4403]);

/**
 * Calls `next` for every result of the subscription until the returned function is called;
 * `error` says why it ended, and whether trying again could help. `connected` is called each
 * time the gateway accepts the connection the subscription rides on (the feed is live from
 * then: attempts made before it are not sent).
 */
export function subscribe<R>(
  document: TypedDocumentString<R, Record<string, never>>,
  next: (data: R) => void,
  error: (message: string, retryable: boolean) => void,
  connected: () => void,
): () => void {
  socket ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${ENDPOINT}`,
    connectionParams: () => ({ apiKey: key }),
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
  const unlisten = socket.on('connected', connected);
  const unsubscribe = socket.subscribe<R>(
    { query: document.toString() },
    {
      next: (result) => {
        if (result.data) next(result.data);
        else if (result.errors?.[0]) error(result.errors[0].message, false);
      },
      error: (e) =>
        e instanceof CloseEvent
          ? error(`connection closed (${e.code} ${e.reason})`, !KEY_REFUSED.has(e.code))
          : error(e instanceof Error ? e.message : 'connection failed', true),
      complete: () => undefined,
    },
  );
  return () => {
    unlisten();
    unsubscribe();
  };
}

/** What a mutation's result union says, in words for the page: null when it succeeded. */
export function refusal(result: { __typename: string; message?: string; requiredScope?: string }): string | null {
  if (result.__typename.endsWith('Success')) return null;
  if (result.requiredScope) return `Not allowed: this needs an API key with the ${result.requiredScope} scope.`;
  return result.message ?? result.__typename;
}
