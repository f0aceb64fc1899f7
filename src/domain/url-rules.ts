import { isForbiddenAddress, isLocalHostname } from '../delivery/address-guard.ts';
import { isWellFormed, NOT_WELL_FORMED } from './validation.ts';

export const MAX_URL_LENGTH = 2048;

/**
 * Why a delivery URL is unacceptable, or null when it is fine. Literal addresses are judged
 * here; names are judged again at connect time, after DNS, by the address guard.
 */
export function deliveryUrlProblem(raw: string, allowPrivateAddresses: boolean): string | null {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  if (!isWellFormed(raw)) return NOT_WELL_FORMED;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  const schemes = allowPrivateAddresses ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    return allowPrivateAddresses ? 'must use https:// or http://' : 'must use https://';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (raw.includes('#')) return 'must not contain a fragment';
  if (!url.hostname) return 'must name a host';
  if (allowPrivateAddresses) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isLocalHostname(host)) return 'must not point at this machine';
  if (/^[\d.]+$/.test(host) || host.includes(':')) {
    if (isForbiddenAddress(host)) return 'must not point at a private, loopback, link-local or reserved address';
  }
  return null;
}
