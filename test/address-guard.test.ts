import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForbiddenAddress, isForbiddenHost } from '../src/domain/address-rules.ts';
import { createDispatcher, type DeliveryDispatcher } from '../src/delivery/dispatcher.ts';
import type { LookupFunction } from '../src/delivery/guarded-connector.ts';
import { CreateWebhook, GetWebhook, UpdateWebhook } from './helpers/documents.ts';
import { ask, killGatewayProcesses, startGatewayProcess, type GatewayProcess } from './helpers/gateway-process.ts';
import { graphqlAt } from './helpers/app.ts';
import { WebhookTotalCount } from './helpers/webhook-count.ts';

/*
 * The address guard, one rule (src/delivery/address-guard.ts) judged in two places: at create
 * and update time on the URL's host (literal addresses and local names), and at connect time on
 * every address a hostname resolves to. Each form below is a named case in both places.
 */

/** Addresses no delivery may reach, whatever spelling or embedding carries them. */
const forbiddenAddresses: [string, string][] = [
  // IPv4 special-purpose registry, multicast, and metadata services.
  ['0.0.0.0/8 "this network": 0.0.0.0', '0.0.0.0'],
  ['0.0.0.0/8 "this network": 0.1.2.3', '0.1.2.3'],
  ['10/8 private', '10.0.0.1'],
  ['10/8 private, last address', '10.255.255.255'],
  ['100.64/10 CGNAT', '100.64.0.1'],
  ['100.64/10 CGNAT, last address', '100.127.255.254'],
  ['Alibaba metadata 100.100.100.200', '100.100.100.200'],
  ['127/8 loopback', '127.0.0.1'],
  ['127/8 loopback, not .1', '127.255.255.254'],
  ['169.254/16 link-local', '169.254.0.1'],
  ['AWS/GCP/Azure/OCI/DO metadata 169.254.169.254', '169.254.169.254'],
  ['Tencent metadata 169.254.0.23', '169.254.0.23'],
  ['172.16/12 private', '172.16.0.1'],
  ['172.16/12 private, last address', '172.31.255.255'],
  ['192.0.0/24 IETF protocol assignments', '192.0.0.1'],
  ['192.0.0.170 NAT64 discovery', '192.0.0.170'],
  ['192.0.2/24 TEST-NET-1', '192.0.2.1'],
  ['192.31.196/24 AS112-v4', '192.31.196.1'],
  ['192.52.193/24 AMT', '192.52.193.1'],
  ['192.88.99/24 6to4 relay anycast', '192.88.99.1'],
  ['192.168/16 private', '192.168.1.1'],
  ['192.175.48/24 AS112 direct delegation', '192.175.48.1'],
  ['198.18/15 benchmarking', '198.18.0.1'],
  ['198.18/15 benchmarking, last address', '198.19.255.255'],
  ['198.51.100/24 TEST-NET-2', '198.51.100.1'],
  ['203.0.113/24 TEST-NET-3', '203.0.113.1'],
  ['224/4 multicast', '224.0.0.1'],
  ['224/4 multicast SSDP', '239.255.255.250'],
  ['240/4 reserved', '240.0.0.1'],
  ['255.255.255.255 limited broadcast', '255.255.255.255'],
  ['Azure wireserver 168.63.129.16', '168.63.129.16'],
  // IPv6 special-purpose registry and everything outside global unicast 2000::/3.
  ['::/128 unspecified', '::'],
  ['::1 loopback', '::1'],
  ['fe80::/10 link-local', 'fe80::1'],
  ['fe80::/10 link-local, top of range', 'febf:ffff::1'],
  ['fec0::/10 site-local (deprecated)', 'fec0::1'],
  ['fc00::/7 unique local', 'fc00::1'],
  ['fc00::/7 unique local fd00::', 'fd12:3456:789a::1'],
  ['AWS metadata fd00:ec2::254', 'fd00:ec2::254'],
  ['ff00::/8 multicast', 'ff02::1'],
  ['ff00::/8 multicast, site scope', 'ff05::1:3'],
  ['100::/64 discard-only', '100::1'],
  ['2001:db8::/32 documentation', '2001:db8::1'],
  ['3fff::/20 documentation', '3fff::1'],
  ['3fff::/20 documentation, top of range', '3fff:fff::1'],
  ['5f00::/16 segment routing SIDs', '5f00::1'],
  ['2001::/23 IETF protocol assignments: PCP anycast', '2001:1::1'],
  ['2001:2::/48 benchmarking', '2001:2::1'],
  ['2001:3::/32 AMT', '2001:3::1'],
  ['2001:4:112::/48 AS112-v6', '2001:4:112::1'],
  ['2001:10::/28 ORCHID (deprecated)', '2001:10::1'],
  ['2001:20::/28 ORCHIDv2', '2001:20::1'],
  ['2001:30::/28 drone remote ID', '2001:30::1'],
  ['2620:4f:8000::/48 AS112 direct delegation', '2620:4f:8000::1'],
  ['4000::/3, not allocated for unicast', '4000::1'],
  ['::/8 reserved, not IPv4-compatible', '1::1'],
  // IPv6 forms that embed an IPv4 address, each carrying a forbidden one.
  ['IPv4-mapped ::ffff:0:0/96, loopback', '::ffff:127.0.0.1'],
  ['IPv4-mapped ::ffff:0:0/96, private', '::ffff:10.0.0.1'],
  ['IPv4-mapped ::ffff:0:0/96, metadata', '::ffff:169.254.169.254'],
  ['IPv4-compatible ::/96, loopback (::127.0.0.1)', '::7f00:1'],
  ['IPv4-compatible ::/96, private', '::a00:1'],
  ['IPv4-compatible ::/96, metadata', '::a9fe:a9fe'],
  ['IPv4-translated ::ffff:0:0:0/96, loopback', '::ffff:0:7f00:1'],
  ['IPv4-translated ::ffff:0:0:0/96, private', '::ffff:0:c0a8:101'],
  ['NAT64 64:ff9b::/96, loopback', '64:ff9b::7f00:1'],
  ['NAT64 64:ff9b::/96, metadata', '64:ff9b::a9fe:a9fe'],
  ['NAT64 64:ff9b::/96, private', '64:ff9b::c0a8:101'],
  ['NAT64 local-use 64:ff9b:1::/48, private', '64:ff9b:1::a00:1'],
  ['NAT64 local-use 64:ff9b:1::/48, even with a public IPv4', '64:ff9b:1::808:808'],
  ['6to4 2002::/16, loopback', '2002:7f00:1::1'],
  ['6to4 2002::/16, private', '2002:a00:1::'],
  ['6to4 2002::/16, metadata', '2002:a9fe:a9fe::1'],
  ['Teredo 2001::/32, loopback client (NOT 80ff:fffe)', '2001:0:808:808:0:0:80ff:fffe'],
  ['Teredo 2001::/32, private client', '2001:0:808:808:8000:63bf:f5ff:fffe'],
  ['Teredo 2001::/32, loopback server', '2001:0:7f00:1::f7f7:f7f7'],
  ['Teredo 2001::/32, RFC 4380 example (client 192.0.2.45)', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
];

/** Not forms a URL can carry: only a resolver could hand them over. */
const forbiddenResolverAnswers: [string, string][] = [
  ['a link-local address with a zone id', 'fe80::1%eth0'],
  ['a global address with a zone id', '2606:4700:4700::1111%eth0'],
  ['an IPv4 address with leading zeros (octal to some parsers)', '0177.0.0.1'],
  ['something that is not an address', 'not-an-address'],
];

/**
 * Allowed: global unicast, and embedding forms whose embedded IPv4 addresses are all global
 * unicast. NAT64 must pass, since on an IPv6-only network with DNS64 every IPv4-only receiver
 * resolves to 64:ff9b::/96; the others follow the same rule rather than a special case.
 */
const allowedAddresses: [string, string][] = [
  ['public IPv4', '8.8.8.8'],
  ['public IPv4 (Fastly)', '151.101.1.1'],
  ['public IPv6', '2606:4700:4700::1111'],
  ['public IPv6 (Google)', '2a00:1450:4001:80b::200e'],
  ['IPv4-mapped public', '::ffff:8.8.8.8'],
  ['IPv4-compatible public', '::808:808'],
  ['IPv4-translated public', '::ffff:0:808:808'],
  ['NAT64 64:ff9b::/96 public (DNS64)', '64:ff9b::808:808'],
  ['6to4 with a public IPv4', '2002:808:808::1'],
  ['Teredo with a public server and client', '2001:0:808:808:8000:63bf:f7f7:f7f7'],
];

/** Other spellings of forbidden hosts in a URL; WHATWG URL normalises most to a dotted quad. */
const forbiddenSpellings: [string, string][] = [
  ['a decimal IPv4 (2130706433)', '2130706433'],
  ['a hex IPv4 (0x7f000001)', '0x7f000001'],
  ['a hex and short IPv4 (0x7f.1)', '0x7f.1'],
  ['a short IPv4 (127.1)', '127.1'],
  ['a three-part IPv4 (127.0.1)', '127.0.1'],
  ['an octal IPv4 (0177.0.0.1)', '0177.0.0.1'],
  ['a decimal IPv4 for 0.0.0.0 (0)', '0'],
  ['an IPv4 with a trailing dot', '127.0.0.1.'],
  ['an IPv4 with several trailing dots', '127.0.0.1...'],
  ['a hex IPv4 with several trailing dots', '0x7f.1..'],
  ['metadata with a trailing dot', '169.254.169.254.'],
  ['a fullwidth-digit IPv4', '１２７.０.０.１'],
  ['a percent-encoded IPv4', '%31%32%37.0.0.1'],
  ['an IPv4-compatible IPv6 in dotted form', '[::127.0.0.1]'],
  ['an IPv4-compatible IPv6 in hex', '[::7f00:1]'],
  ['an IPv4-mapped IPv6 in full', '[0:0:0:0:0:ffff:127.0.0.1]'],
  ['localhost', 'localhost'],
  ['localhost in capitals', 'LOCALHOST'],
  ['localhost with a trailing dot', 'localhost.'],
  ['localhost with several trailing dots', 'localhost..'],
  ['localhost with an encoded trailing dot', 'localhost%2e'],
  ['a name under .localhost', 'api.localhost'],
  ['a name under .localhost with a trailing dot', 'api.localhost.'],
  ['localhost.localdomain', 'localhost.localdomain'],
  ['ip6-localhost', 'ip6-localhost'],
  ['ip6-loopback', 'ip6-loopback'],
];

const urlHost = (address: string) => (address.includes(':') ? `[${address}]` : address);

describe('isForbiddenAddress', () => {
  it.each([...forbiddenAddresses, ...forbiddenResolverAnswers])('refuses %s (%s)', (_name, address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(allowedAddresses)('allows %s (%s)', (_name, address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('isForbiddenHost, as the URL parser hands hosts over', () => {
  it.each(forbiddenSpellings)('refuses %s', (_name, host) => {
    expect(isForbiddenHost(new URL(`https://${host}/`).hostname)).toBe(true);
  });

  it.each([['example.com'], ['example.com.'], ['hooks.example.com'], ['localhost.example.com'], ['[2606:4700:4700::1111]'], ['8.8.8.8']])(
    'leaves %s to be judged after DNS (or allows it)',
    (host) => {
      expect(isForbiddenHost(new URL(`https://${host}/`).hostname)).toBe(false);
    },
  );
});

describe('at connect time, with the guard on', () => {
  let receiver: Server;
  let port: number;
  let connections = 0;
  let dispatcher: DeliveryDispatcher;
  const names = new Map<string, string[]>();
  const lookup: LookupFunction = async (hostname) => {
    const addresses = names.get(hostname);
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  beforeAll(async () => {
    receiver = createServer((_req, res) => res.end('ok'));
    receiver.on('connection', () => connections++);
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
    dispatcher = createDispatcher({ allowPrivateAddresses: false, lookup });
  });
  afterAll(async () => {
    await dispatcher.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const send = (url: string) => dispatcher.send({ url, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 5_000 });

  let n = 0;
  it.each([...forbiddenAddresses, ...forbiddenResolverAnswers])('blocks a hostname resolving to %s (%s)', async (_name, address) => {
    const hostname = `case-${++n}.test`;
    names.set(hostname, [address]);
    const result = await send(`http://${hostname}:${port}/hook`);
    expect(result).toMatchObject({ outcome: 'BLOCKED', responseStatus: null });
    expect(result.error).toContain('forbidden');
    expect(connections).toBe(0);
  });

  it('blocks a hostname when any one of its addresses is forbidden', async () => {
    names.set('mixed.test', ['8.8.8.8', '2606:4700:4700::1111', '::7f00:1']);
    const result = await send(`http://mixed.test:${port}/hook`);
    expect(result.outcome).toBe('BLOCKED');
    expect(connections).toBe(0);
  });

  it.each(forbiddenAddresses)('blocks the literal %s (%s)', async (_name, address) => {
    const result = await send(`http://${urlHost(address)}:${port}/hook`);
    expect(result).toMatchObject({ outcome: 'BLOCKED', responseStatus: null });
    expect(connections).toBe(0);
  });

  it.each(forbiddenSpellings)('blocks %s', async (_name, host) => {
    const result = await send(`http://${host}:${port}/hook`);
    expect(result).toMatchObject({ outcome: 'BLOCKED', responseStatus: null });
    expect(connections).toBe(0);
  });
});

describe('at create and update time, through the real server with the guard on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-guard-'));
  let gateway: GatewayProcess;
  let existingId: string;
  let counter = 0;

  beforeAll(async () => {
    gateway = await startGatewayProcess({ DATABASE_PATH: join(dir, 'gateway.db'), ALLOW_PRIVATE_ADDRESSES: 'false' });
    const created = await ask(gateway, CreateWebhook, { input: { url: 'https://hooks.example.com/existing', topics: ['message.*'] } });
    if (created.createWebhook.__typename !== 'CreateWebhookSuccess') throw new Error(JSON.stringify(created.createWebhook));
    existingId = created.createWebhook.webhook.id;
  });
  afterAll(async () => {
    await killGatewayProcesses();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async () => (await ask(gateway, WebhookTotalCount, {})).webhooks.totalCount;
  const read = async () => (await ask(gateway, GetWebhook, { id: existingId })).webhook;

  async function expectRefused(url: string) {
    const before = await count();
    const existing = await read();
    const created = await graphqlAt(gateway.url, CreateWebhook, { input: { url, topics: ['message.created'] } }, gateway.key);
    const createResult = created.body.data?.createWebhook;
    expect(createResult).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    if (createResult?.__typename === 'ValidationError') expect(createResult.fieldErrors.map((e) => e.path)).toEqual([['input', 'url']]);
    const webengage = await graphqlAt(
      gateway.url,
      CreateWebhook,
      {
        input: {
          url: `https://hooks.example.com/we/${++counter}`,
          topics: ['message.created'],
          type: 'WEBENGAGE',
          configuration: { webengage: { webhookUrl: url } },
        },
      },
      gateway.key,
    );
    const webengageResult = webengage.body.data?.createWebhook;
    expect(webengageResult?.__typename).toBe('ValidationError');
    if (webengageResult?.__typename === 'ValidationError') {
      expect(webengageResult.fieldErrors.map((e) => e.path)).toEqual([['input', 'configuration', 'webengage', 'webhookUrl']]);
    }
    expect(await count()).toBe(before);
    const updated = await graphqlAt(gateway.url, UpdateWebhook, { id: existingId, input: { url } }, gateway.key);
    const updateResult = updated.body.data?.updateWebhook;
    expect(updateResult?.__typename).toBe('ValidationError');
    if (updateResult?.__typename === 'ValidationError') expect(updateResult.fieldErrors.map((e) => e.path)).toEqual([['input', 'url']]);
    expect(await read()).toEqual(existing);
  }

  it.each(forbiddenAddresses)('refuses a URL at %s (%s)', async (_name, address) => {
    await expectRefused(`https://${urlHost(address)}/hook`);
  });

  it.each(forbiddenSpellings)('refuses a URL at %s', async (_name, host) => {
    await expectRefused(`https://${host}/hook`);
  });

  it('refuses an IPv6 zone id (not a valid URL host)', async () => {
    await expectRefused('https://[fe80::1%25eth0]/hook');
  });

  it.each(allowedAddresses)('accepts a URL at %s (%s)', async (_name, address) => {
    const before = await count();
    const url = `https://${urlHost(address)}/hook/${++counter}`;
    const created = await ask(gateway, CreateWebhook, { input: { url, topics: ['message.created'] } });
    expect(created.createWebhook.__typename).toBe('CreateWebhookSuccess');
    expect(await count()).toBe(before + 1);
  });
});
