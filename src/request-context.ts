import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The id of the request being served, so logs and masked errors can name it without threading it
 * through; and when it arrived (performance.now()), where the publish_commit stage starts.
 */
const storage = new AsyncLocalStorage<{ requestId: string; receivedAt: number }>();

export function withRequestId<T>(requestId: string, run: () => T, receivedAt = performance.now()): T {
  return storage.run({ requestId, receivedAt }, run);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

export function requestReceivedAt(): number | undefined {
  return storage.getStore()?.receivedAt;
}

export function newRequestId(): string {
  return randomUUID();
}
