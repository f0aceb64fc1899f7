import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export type Closed = { code: number; reason: string };

/** A graphql-ws client as any app would use it, plus how its connection ended. */
export function wsClient(httpUrl: string, connectionParams: Record<string, unknown>) {
  let resolveClosed: (closed: Closed) => void;
  const closed = new Promise<Closed>((resolve) => (resolveClosed = resolve));
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => resolveClosed({ code: (event as CloseEvent).code, reason: String((event as CloseEvent).reason) }) },
    onNonLazyError: () => {},
  });
  return { client, closed };
}

/**
 * A subscription as a queue: `next()` resolves with the next result; `ended` resolves with
 * 'complete' or the error that ended it.
 */
export function subscribe<T, V>(client: Client, document: TypedDocumentNode<T, V>, variables?: V) {
  const results: ExecutionResult<T>[] = [];
  const waiters: ((result: ExecutionResult<T>) => void)[] = [];
  let resolveEnded: (end: 'complete' | { error: unknown }) => void;
  const ended = new Promise<'complete' | { error: unknown }>((resolve) => (resolveEnded = resolve));
  const dispose = client.subscribe<T>(
    { query: print(document), variables: variables as Record<string, unknown> | undefined },
    {
      next: (result) => {
        const waiter = waiters.shift();
        if (waiter) waiter(result as ExecutionResult<T>);
        else results.push(result as ExecutionResult<T>);
      },
      error: (error) => resolveEnded({ error }),
      complete: () => resolveEnded('complete'),
    },
  );
  return {
    next(): Promise<ExecutionResult<T>> {
      const ready = results.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
    },
    /**
     * The next result, or null if none arrives within `ms`. A waiter that timed out is withdrawn,
     * so it cannot swallow a later result (a bare `race` with `next()` would).
     */
    nextWithin(ms: number): Promise<ExecutionResult<T> | null> {
      const ready = results.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => {
        const waiter = (result: ExecutionResult<T>) => {
          clearTimeout(timer);
          resolve(result);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          resolve(null);
        }, ms);
        waiters.push(waiter);
      });
    },
    async take(count: number): Promise<ExecutionResult<T>[]> {
      const taken: ExecutionResult<T>[] = [];
      while (taken.length < count) taken.push(await this.next());
      return taken;
    },
    /** Everything received and not yet taken. */
    get pending() {
      return results.length;
    },
    ended,
    dispose,
  };
}

/** A subscription over SSE (yoga's GraphQL over Server-Sent Events), read as a stream of `next` results. */
export async function sseSubscribe<T, V>(
  httpUrl: string,
  document: TypedDocumentNode<T, V>,
  variables: V | undefined,
  headers: Record<string, string>,
) {
  const abort = new AbortController();
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query: print(document), variables }),
    signal: abort.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const events: { event: string; data: string }[] = [];
  async function nextEvent(): Promise<{ event: string; data: string } | null> {
    for (;;) {
      const ready = events.shift();
      if (ready) return ready;
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
        if (block.startsWith(':')) continue;
        events.push({ event, data });
      }
    }
  }
  return {
    status: response.status,
    /** The next `next` result, or null when the stream completed or closed. */
    async next(): Promise<ExecutionResult<T> | null> {
      for (;;) {
        const event = await nextEvent();
        if (!event || event.event === 'complete') return null;
        if (event.event === 'next' || event.event === 'message') return JSON.parse(event.data) as ExecutionResult<T>;
      }
    },
    close: () => abort.abort(),
  };
}
