import type { Logger } from 'pino';
import type { Principal } from '../auth/authenticate.ts';
import type { LiveConnection, LiveRegistry } from '../live/registry.ts';
import type { LiveFeed } from '../live/feed.ts';
import type { Repositories, Services } from '../services/index.ts';

/** What every resolver receives: an authenticated caller, reads (repos) and writes (services). */
export interface Context {
  principal: Principal;
  repos: Repositories;
  services: Services;
  feed: LiveFeed;
  /**
   * updateBytes: what one update of this subscription may send, priced when it subscribes
   * (live-price.ts). sharedLoads: reads shared by every execution of one live update, all of one
   * tenant (shared-subscriptions.ts), by what they read.
   */
  live: { registry: LiveRegistry; connection: LiveConnection | null; updateBytes?: number; sharedLoads?: Map<string, Promise<unknown>> };
  /** Takes a token from this key's bucket; throws RateLimitedError when it is empty. */
  rateLimit: () => void | Promise<void>;
  logger: Logger;
}
