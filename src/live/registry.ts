import { GraphQLError } from 'graphql';
import type { Principal } from '../auth/authenticate.ts';
import { inputLimits } from '../domain/limits.ts';
import { BoundedStream } from './bounded-stream.ts';

/** A WebSocket connection carrying subscriptions; SSE requests have none. */
export type LiveConnection = { id: string; close(code: number, reason: string): void };

export type LiveLimits = { bufferSize: number; perConnection: number; perTenant: number; tenantPayloadBytes: number };

// graphql-ws's conventional close codes: a key no longer (or never) valid, a key without the
// scope, and ours for a consumer that could not keep up.
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_TOO_SLOW = 4429;

function liveError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** One open subscription: what the limits and revocation look at, and its stream's hooks (methods, not closures: one per open subscription). */
class Entry {
  readonly stream: BoundedStream<unknown>;

  constructor(
    readonly principal: Principal,
    readonly connection: LiveConnection | null,
    readonly updateBytes: number,
    private readonly limits: LiveLimits,
    private readonly ended: (entry: Entry) => void,
    private readonly whenEnded: () => void,
  ) {
    this.stream = new BoundedStream(limits.bufferSize, this);
  }

  overflowError(): Error {
    return liveError(
      `Subscriber too slow: more than ${this.limits.bufferSize} updates waited unread, so the subscription was ended`,
      'SLOW_CONSUMER',
    );
  }

  // The connection's socket is backed up too; nothing more can reach it, so close it.
  onOverflow(): void {
    this.connection?.close(CLOSE_TOO_SLOW, 'Subscriber too slow');
  }

  onEnd(): void {
    this.ended(this);
    this.whenEnded();
  }
}

/** Every open subscription of this process, so limits hold and revocation and shutdown can end them. */
export function createLiveRegistry(limits: LiveLimits) {
  const open = new Set<Entry>();
  // Counted as they open and end: checking the limits by walking every open subscription made
  // opening 10,000 of them quadratic.
  const perConnection = new Map<string, number>();
  const perTenant = new Map<string, number>();
  // What one update may send to all of a tenant's subscriptions together (graphql/live-price.ts).
  const bytesPerTenant = new Map<string, number>();
  const add = (counts: Map<string, number>, key: string, by: number) => {
    const n = (counts.get(key) ?? 0) + by;
    if (n === 0) counts.delete(key);
    else counts.set(key, n);
  };
  const ended = (entry: Entry) => {
    if (!open.delete(entry)) return;
    if (entry.connection) add(perConnection, entry.connection.id, -1);
    add(perTenant, entry.principal.tenantId, -1);
    add(bytesPerTenant, entry.principal.tenantId, -entry.updateBytes);
  };

  return {
    /**
     * A bounded stream for one subscription, or a GraphQLError when a limit is reached.
     * `onEnd` runs once, however it ends (completed, failed, too slow, revoked).
     */
    open<T>(principal: Principal, connection: LiveConnection | null, updateBytes: number, onEnd: () => void): BoundedStream<T> {
      if (connection && (perConnection.get(connection.id) ?? 0) >= limits.perConnection) {
        throw liveError(`At most ${limits.perConnection} subscriptions per connection`, 'SUBSCRIPTION_LIMIT');
      }
      if ((perTenant.get(principal.tenantId) ?? 0) >= limits.perTenant) {
        throw liveError(`At most ${limits.perTenant} open subscriptions per tenant`, 'SUBSCRIPTION_LIMIT');
      }
      if ((bytesPerTenant.get(principal.tenantId) ?? 0) + updateBytes > limits.tenantPayloadBytes) {
        throw liveError(
          `At most ${limits.tenantPayloadBytes / (1024 * 1024)} MiB of event payloads selected by a tenant's open subscriptions together (each Event.payload counts ${inputLimits.payloadBytes.max / 1024} KiB): select payload in fewer subscriptions, or share one document`,
          'SUBSCRIPTION_LIMIT',
        );
      }
      const entry = new Entry(principal, connection, updateBytes, limits, ended, onEnd);
      open.add(entry);
      if (connection) add(perConnection, connection.id, 1);
      add(perTenant, principal.tenantId, 1);
      add(bytesPerTenant, principal.tenantId, updateBytes);
      // The stream carries whatever the caller pushes; only the caller pushes.
      return entry.stream as BoundedStream<T>;
    },

    /** Ends every subscription opened with this key (ws-server.ts closes the key's connections, with or without one). */
    revokeKey(keyId: string): void {
      for (const entry of [...open].filter((e) => e.principal.keyId === keyId)) {
        entry.stream.fail(liveError('The API key of this subscription was revoked', 'UNAUTHENTICATED'));
      }
    },

    /** Completes every subscription (shutdown): clients see completion, not a hang. */
    endAll(): void {
      for (const entry of [...open]) void entry.stream.return();
    },

    count(tenantId?: string): number {
      return tenantId === undefined ? open.size : (perTenant.get(tenantId) ?? 0);
    },
  };
}

export type LiveRegistry = ReturnType<typeof createLiveRegistry>;
