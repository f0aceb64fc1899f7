import { GraphQLError } from 'graphql';
import type { Principal } from '../auth/authenticate.ts';
import { BoundedStream } from './bounded-stream.ts';

/** A WebSocket connection carrying subscriptions; SSE requests have none. */
export type LiveConnection = { id: string; close(code: number, reason: string): void };

export type LiveLimits = { bufferSize: number; perConnection: number; perTenant: number };

export const CLOSE_TOO_SLOW = 4429;
export const CLOSE_KEY_REVOKED = 4401;

type Entry = { principal: Principal; connection: LiveConnection | null; stream: BoundedStream<unknown> };

function liveError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Every open subscription of this process, so limits hold and revocation and shutdown can end them. */
export function createLiveRegistry(limits: LiveLimits) {
  const open = new Set<Entry>();

  const count = (predicate: (entry: Entry) => boolean) => [...open].filter(predicate).length;

  return {
    /**
     * A bounded stream for one subscription, or a GraphQLError when a limit is reached.
     * `onEnd` runs once, however it ends (completed, failed, too slow, revoked).
     */
    open<T>(principal: Principal, connection: LiveConnection | null, onEnd: () => void): BoundedStream<T> {
      if (connection && count((entry) => entry.connection?.id === connection.id) >= limits.perConnection) {
        throw liveError(`At most ${limits.perConnection} subscriptions per connection`, 'SUBSCRIPTION_LIMIT');
      }
      if (count((entry) => entry.principal.tenantId === principal.tenantId) >= limits.perTenant) {
        throw liveError(`At most ${limits.perTenant} open subscriptions per tenant`, 'SUBSCRIPTION_LIMIT');
      }
      const entry: Entry = {
        principal,
        connection,
        stream: new BoundedStream<T>(limits.bufferSize, {
          overflowError: () =>
            liveError(`Subscriber too slow: more than ${limits.bufferSize} updates waited unread, so the subscription was ended`, 'SLOW_CONSUMER'),
          // The connection's socket is backed up too; nothing more can reach it, so close it.
          onOverflow: () => connection?.close(CLOSE_TOO_SLOW, 'Subscriber too slow'),
          onEnd: () => {
            open.delete(entry);
            onEnd();
          },
        }) as BoundedStream<unknown>,
      };
      open.add(entry);
      return entry.stream as BoundedStream<T>;
    },

    /** Ends every subscription opened with this key, and closes WebSocket connections that used it. */
    revokeKey(keyId: string): void {
      for (const entry of [...open].filter((e) => e.principal.keyId === keyId)) {
        entry.stream.fail(liveError('The API key of this subscription was revoked', 'UNAUTHENTICATED'));
        entry.connection?.close(CLOSE_KEY_REVOKED, 'API key revoked');
      }
    },

    /** Completes every subscription (shutdown): clients see completion, not a hang. */
    endAll(): void {
      for (const entry of [...open]) void entry.stream.return();
    },

    count(tenantId?: string): number {
      return count((entry) => tenantId === undefined || entry.principal.tenantId === tenantId);
    },
  };
}

export type LiveRegistry = ReturnType<typeof createLiveRegistry>;
