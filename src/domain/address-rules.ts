import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/*
 * Which hosts and IP addresses a delivery may never reach. One rule, used at create/update time
 * on the URL's host (src/domain/url-rules.ts) and at connect time on every address a name
 * resolves to (guarded-connector.ts).
 *
 * IPv4: everything passes except the IANA IPv4 special-purpose registry, multicast, the
 * reserved 240/4 and a few metadata services on public addresses.
 *
 * IPv6: an address that embeds IPv4 addresses is judged by them alone: it passes exactly when
 * every embedded IPv4 address passes. The forms: IPv4-mapped ::ffff:0:0/96, IPv4-compatible
 * ::/96 (deprecated; :: and ::1 fall in it and are judged as 0.0.0.0 and 0.0.0.1), IPv4-translated
 * ::ffff:0:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16 (bits 16-48) and Teredo 2001::/32 (server
 * in bits 32-64, client the bitwise NOT of the last 32 bits; both judged). A public embedded
 * address passes: NAT64 must, since on an IPv6-only network with DNS64 every IPv4-only receiver
 * resolves into 64:ff9b::/96, and the others reach only that public address too, so one rule
 * serves them all. The local-use NAT64 prefix 64:ff9b:1::/48 is refused whole: its translator
 * is inside the operator's network and its prefix length (so where the IPv4 address sits) is
 * the operator's choice.
 * Every other IPv6 address must be global unicast (2000::/3) and outside the IANA IPv6
 * special-purpose registry entries there; outside 2000::/3 everything is refused (loopback,
 * unspecified, link-local, site-local, unique local, multicast, discard, segment routing, and
 * whatever IANA has not allocated yet).
 *
 * Addresses with a zone id (fe80::1%eth0) are refused: zones only scope local addresses.
 */

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

const cidrs = (list: string[]): Cidr[] => list.map((cidr) => ipaddr.parseCIDR(cidr));

const forbiddenIPv4 = cidrs([
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // private use
  '100.64.0.0/10', // shared address space (CGNAT); Alibaba metadata 100.100.100.200
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local; metadata 169.254.169.254 (AWS, GCP, Azure, OCI, ...)
  '172.16.0.0/12', // private use
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // TEST-NET-1
  '192.31.196.0/24', // AS112-v4
  '192.52.193.0/24', // AMT
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // private use
  '192.175.48.0/24', // AS112 direct delegation
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // TEST-NET-2
  '203.0.113.0/24', // TEST-NET-3
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and 255.255.255.255 limited broadcast
  '168.63.129.16/32', // Azure wireserver: a metadata service on a public address
]);

const globalUnicastIPv6 = ipaddr.parseCIDR('2000::/3');

// Special-purpose entries inside 2000::/3 (outside it, nothing passes anyway). Teredo 2001::/32
// and 6to4 2002::/16 are decoded before this list is consulted.
const forbiddenGlobalIPv6 = cidrs([
  '2001::/23', // IETF protocol assignments: PCP/TURN anycast, benchmarking, AMT, AS112, ORCHID, ...
  '2001:db8::/32', // documentation
  '2620:4f:8000::/48', // AS112 direct delegation
  '3fff::/20', // documentation
]);

const matchesAny = (address: ipaddr.IPv4 | ipaddr.IPv6, list: Cidr[]) =>
  list.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits));

function ipv4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** The IPv4 addresses an IPv6 address carries, or null when it is not one of the embedding forms. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] | null {
  const [p0, p1, p2, p3, p4, p5, p6, p7] = address.parts as [number, number, number, number, number, number, number, number];
  const zeroTo = (end: number) => address.parts.slice(0, end).every((part) => part === 0);
  if (zeroTo(5) && p5 === 0xffff) return [ipv4(p6, p7)]; // IPv4-mapped ::ffff:0:0/96
  if (zeroTo(6)) return [ipv4(p6, p7)]; // IPv4-compatible ::/96
  if (zeroTo(4) && p4 === 0xffff && p5 === 0) return [ipv4(p6, p7)]; // IPv4-translated ::ffff:0:0:0/96
  if (p0 === 0x64 && p1 === 0xff9b && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0) return [ipv4(p6, p7)]; // NAT64 64:ff9b::/96
  if (p0 === 0x2002) return [ipv4(p1, p2)]; // 6to4 2002::/16
  if (p0 === 0x2001 && p1 === 0) return [ipv4(p2, p3), ipv4(~p6 & 0xffff, ~p7 & 0xffff)]; // Teredo 2001::/32
  return null;
}

function isForbiddenIPv4(address: ipaddr.IPv4): boolean {
  return matchesAny(address, forbiddenIPv4);
}

function isForbiddenIPv6(address: ipaddr.IPv6): boolean {
  const embedded = embeddedIPv4(address);
  if (embedded) return embedded.some(isForbiddenIPv4);
  if (!address.match(globalUnicastIPv6)) return true;
  return matchesAny(address, forbiddenGlobalIPv6);
}

/** True unless `address` is an IP address (as a resolver reports it) that a delivery may reach. */
export function isForbiddenAddress(address: string): boolean {
  // Node's own notion of an address literal: no shorthand or octal IPv4 forms.
  if (isIP(address) === 0 || address.includes('%')) return true;
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv4' ? isForbiddenIPv4(parsed as ipaddr.IPv4) : isForbiddenIPv6(parsed as ipaddr.IPv6);
}

const localNames = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** A host that names the local machine without being an IP literal. */
export function isLocalHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.+$/, '');
  return localNames.has(host) || host.endsWith('.localhost');
}

/**
 * True when a URL's host (as `new URL(...).hostname` gives it, brackets and all) is forbidden
 * before any DNS: a forbidden IP literal, a name of this machine, or a name that is an IPv4
 * literal but for trailing dots (`127.0.0.1...`), which some resolvers read as the address.
 * False for other names: their addresses are judged at connect time.
 */
export function isForbiddenHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIP(host) !== 0 || host.includes(':')) return isForbiddenAddress(host);
  if (isLocalHostname(host)) return true;
  const trimmed = host.replace(/\.+$/, '');
  if (trimmed !== host) {
    let normalised: string;
    try {
      normalised = new URL(`http://${trimmed}/`).hostname;
    } catch {
      return true; // not even a host without its dots: nothing a delivery should try
    }
    if (isIP(normalised) !== 0) return isForbiddenAddress(normalised);
  }
  return false;
}
