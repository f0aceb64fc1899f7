import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction as NetLookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { isForbiddenAddress, isForbiddenHost } from '../domain/address-rules.ts';

/*
 * The address guard at connect time: the addresses checked are the addresses the socket
 * connects to, so a hostname that resolves to a public address when the webhook is saved and
 * to 127.0.0.1 at delivery time (DNS rebinding) is still refused.
 */

/** Every address of a hostname, as `dns.lookup(hostname, { all: true })` gives them. */
export type LookupFunction = (hostname: string) => Promise<LookupAddress[]>;

export const BLOCKED_ADDRESS_CODE = 'ERR_DELIVERY_ADDRESS_BLOCKED';

class BlockedAddressError extends Error {
  readonly code = BLOCKED_ADDRESS_CODE;

  constructor(host: string, address?: string) {
    super(address === undefined ? `${host} is a forbidden destination` : `${host} resolves to forbidden address ${address}`);
    this.name = 'BlockedAddressError';
  }
}

const defaultLookup: LookupFunction = (hostname) => dnsLookup(hostname, { all: true });

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`no usable address for ${hostname}`), { code: 'ENOTFOUND' });
}

/**
 * Adapts a LookupFunction to the `lookup` option of net.connect. Node calls it with
 * `all: true` when it races address families (autoSelectFamily, the default on Node 20) and
 * without it otherwise, so both answers are served. Every address is checked, even when Node
 * will only use one, because a later connection attempt could pick another.
 */
function guardedNetLookup(resolve: LookupFunction, allowPrivateAddresses: boolean): NetLookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    resolve(hostname).then(
      (addresses) => {
        const forbidden = allowPrivateAddresses ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
        if (forbidden !== undefined) return callback(new BlockedAddressError(hostname, forbidden.address), []);
        const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        const first = usable[0];
        if (first === undefined) return callback(notFound(hostname), []);
        if (options.all) return callback(null, usable);
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

export function createGuardedConnector(options: {
  allowPrivateAddresses: boolean;
  lookup?: LookupFunction | undefined;
}): buildConnector.connector {
  const connect = buildConnector({
    lookup: guardedNetLookup(options.lookup ?? defaultLookup, options.allowPrivateAddresses),
  });
  return (target, callback) => {
    // Node's net skips `lookup` for IP literals, so those (and names of this machine) are judged here.
    if (!options.allowPrivateAddresses && isForbiddenHost(target.hostname)) {
      // undici expects the callback after connect() returns, as a socket error would arrive.
      queueMicrotask(() => callback(new BlockedAddressError(target.hostname), null));
      return;
    }
    connect(target, callback);
  };
}
