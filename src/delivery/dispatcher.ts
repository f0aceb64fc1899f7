import type { Readable } from 'node:stream';
import type { AttemptOutcome } from '../domain/delivery-lifecycle.ts';
import { Agent, request } from 'undici';
import { describeFailure, LocalResourceError, localResourceCode } from './attempt-error.ts';
import { createGuardedConnector, type LookupFunction } from './guarded-connector.ts';
import { parseRetryAfter } from './retry-schedule.ts';
import { parseReceiverDirective, RECEIVER_DIRECTIVE_HEADER, type ReceiverDirective } from '../domain/receiver-directive.ts';

export type { LookupFunction } from './guarded-connector.ts';

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface AttemptResult {
  outcome: AttemptOutcome;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  /** What the response's Retry-After asked for, whatever its status; the outcome rules decide whether it counts. */
  retryAfterMs: number | null;
  /** What the endpoint asked for with its webhook-delivery header, on any response. */
  directive: ReceiverDirective | null;
}

interface DispatcherOptions {
  allowPrivateAddresses: boolean;
  lookup?: LookupFunction;
  maxSockets?: number;
}

export interface DeliveryDispatcher {
  /** The receiver's answer or failure; rejects with LocalResourceError when this process could not make the attempt at all. */
  send(request: OutboundRequest): Promise<AttemptResult>;
  /** Waits for requests in flight, then closes the connections. */
  close(): Promise<void>;
  /** Aborts requests in flight and closes the connections at once (shutdown past its grace period). */
  destroy(): Promise<void>;
}

export const RESPONSE_BODY_LIMIT_BYTES = 4096;

/** Reads at most `limit` bytes; leaving the loop early destroys the body and its connection. */
async function readBodyPrefix(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const kept = chunk.subarray(0, limit - size);
    chunks.push(kept);
    size += kept.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function httpErrorMessage(status: number): string {
  return status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
}

async function attempt(agent: Agent, outbound: OutboundRequest): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // One deadline for the whole attempt: queueing, connect, headers and the kept body.
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort();
  }, outbound.timeoutMs);
  let responseStatus: number | null = null;
  try {
    const response = await request(outbound.url, {
      dispatcher: agent,
      method: 'POST',
      headers: outbound.headers,
      body: outbound.body,
      signal: deadline.signal,
    });
    responseStatus = response.statusCode;
    const responseBody = await readBodyPrefix(response.body, RESPONSE_BODY_LIMIT_BYTES);
    const succeeded = responseStatus >= 200 && responseStatus < 300;
    return {
      outcome: succeeded ? 'SUCCEEDED' : 'HTTP_ERROR',
      responseStatus,
      responseBody,
      error: succeeded ? null : httpErrorMessage(responseStatus),
      durationMs: elapsed(),
      retryAfterMs: parseRetryAfter(firstHeader(response.headers['retry-after']), Date.now()),
      directive: parseReceiverDirective(firstHeader(response.headers[RECEIVER_DIRECTIVE_HEADER])),
    };
  } catch (error) {
    const local = timedOut ? null : localResourceCode(error);
    if (local) throw new LocalResourceError(local);
    const failure = timedOut
      ? { outcome: 'TIMED_OUT' as const, error: `no complete response within ${outbound.timeoutMs} ms` }
      : describeFailure(error);
    return { ...failure, responseStatus, responseBody: null, durationMs: elapsed(), retryAfterMs: null, directive: null };
  } finally {
    clearTimeout(timer);
  }
}

export function createDispatcher(options: DispatcherOptions): DeliveryDispatcher {
  const agent = new Agent({
    connect: createGuardedConnector(options),
    // One request per connection at a time: a slow receiver must not hold up the deliveries
    // queued behind it on the same socket.
    pipelining: 1,
    // Unbounded unless asked: the worker caps in-flight requests, and a request waiting here
    // for a socket would spend its timeout in the queue.
    connections: options.maxSockets ?? null,
  });
  return {
    send: (outbound) => attempt(agent, outbound),
    close: () => agent.close(),
    destroy: () => agent.destroy(),
  };
}
