import ipaddr from 'ipaddr.js';

/*
 * Which IP addresses a delivery may never reach. Only global unicast passes; everything else
 * (loopback, private, link-local, CGNAT, multicast, unspecified, reserved, documentation, ...)
 * is refused. IPv6 forms that embed an IPv4 address are judged by that address.
 */

// Metadata services that sit on otherwise public unicast addresses.
const extraForbidden: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [
  ipaddr.parseCIDR('168.63.129.16/32'), // Azure wireserver
];

export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
    else if (v6.range() !== 'unicast') return true;
  }
  if (parsed.range() !== 'unicast') return true;
  return extraForbidden.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
}

/** A host that names the local machine without being an IP literal. */
export function isLocalHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost');
}
