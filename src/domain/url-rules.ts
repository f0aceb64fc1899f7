import { isForbiddenHost, isLocalHostname } from './address-rules.ts';
import { tooLong } from './input-limits.ts';
import { inputLimits } from './limits.ts';
import { isWellFormed, NOT_WELL_FORMED } from './validation.ts';

/*
 * Where people meet these rules is a first local try with a receiver on 127.0.0.1, so the
 * refusal says which switch admits it (the env var the config reads; development only).
 */
const forLocalReceivers = (what: string) => `(for a ${what} in development, start the gateway with ALLOW_PRIVATE_ADDRESSES=true)`;

/**
 * Why a delivery URL is unacceptable, or null when it is fine. The host is judged here by the
 * address guard's rule (literal addresses, names of this machine); names are judged again at
 * connect time, after DNS, by the same rule.
 */
export function deliveryUrlProblem(raw: string, allowPrivateAddresses: boolean): string | null {
  if (raw.length > inputLimits.urlLength.max) return tooLong(inputLimits.urlLength.max);
  if (!isWellFormed(raw)) return NOT_WELL_FORMED;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  const schemes = allowPrivateAddresses ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    return allowPrivateAddresses ? 'must use https:// or http://' : `must use https:// ${forLocalReceivers('local http:// receiver')}`;
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (raw.includes('#')) return 'must not contain a fragment';
  if (!url.hostname) return 'must name a host';
  if (allowPrivateAddresses) return null;
  // The WHATWG parser has already turned 2130706433, 0x7f.1, 127.1 and 0177.0.0.1 into 127.0.0.1.
  if (isLocalHostname(url.hostname)) return `must not point at this machine ${forLocalReceivers('receiver on this machine')}`;
  if (isForbiddenHost(url.hostname)) {
    return `must not point at a private, loopback, link-local or reserved address ${forLocalReceivers('local or private-network receiver')}`;
  }
  return null;
}
