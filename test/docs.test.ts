import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariables, loadConfig } from '../src/config.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('.env.example', () => {
  it('lists every environment variable, commented out, with the default the README documents', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const listed = [...example.matchAll(/^# ([A-Z0-9_]+)=(.*)$/gm)].map(([, name, value]) => [name, value]);
    expect(listed.map(([name]) => name)).toEqual([...configVariables]);
    for (const [name, value] of listed) {
      const literal = new RegExp(`^\\| \`${name}\` \\| \`([^\`]*)\` \\|`, 'm').exec(readme)?.[1];
      expect(value, name).toBe(literal ?? '');
    }
    // Nothing set by copying it: every line is a comment or blank.
    expect(example.split('\n').filter((line) => line.trim() && !line.startsWith('#'))).toEqual([]);
  });
});

describe('README', () => {
  it('starts with the two set-up commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(firstBlock).toBe('npm install && npm start\nnpm test\n');
  });

  it('documents every environment variable with its real default', () => {
    const defaults = loadConfig({});
    const row = (name: string) => new RegExp(`^\\| \`${name}\` \\| \`([^\`]*)\` \\|`, 'm').exec(readme)?.[1];
    const documented = Object.fromEntries(configVariables.map((name) => [name, row(name)]));
    expect(documented).toEqual({
      PORT: String(defaults.port),
      HOST: defaults.host,
      DATABASE_PATH: defaults.databasePath,
      // Unset by default, and a default made per process: documented in words, not as a literal.
      DATABASE_URL: undefined,
      DATABASE_POOL_SIZE: String(defaults.databasePoolSize),
      INSTANCE_ID: undefined,
      INSTANCE_DEAD_AFTER_SECONDS: String(defaults.delivery.deadAfterMs / 1000),
      ALLOW_PRIVATE_ADDRESSES: String(defaults.allowPrivateAddresses),
      LOG_LEVEL: defaults.logLevel,
      // Made from the machine's cores: documented in words.
      DELIVERY_WORKERS: undefined,
      DELIVERY_CONCURRENCY: String(defaults.delivery.concurrency),
      DELIVERY_CONCURRENCY_PER_WEBHOOK: String(defaults.delivery.concurrencyPerWebhook),
      DELIVERY_LEASE_SECONDS: String(defaults.delivery.leaseMs / 1000),
      AUTO_DISABLE_AFTER_FAILURES: String(defaults.delivery.autoDisableAfterFailures),
      PAUSE_MAX_HELD: String(defaults.delivery.pauseMaxHeld),
      PAUSE_MAX_HELD_HOURS: String(defaults.delivery.pauseMaxHeldMs / 3_600_000),
      ATTEMPT_RETENTION_DAYS: String(defaults.delivery.attemptRetentionMs / 86_400_000),
      EVENT_RETENTION_DAYS: String(defaults.delivery.eventRetentionMs / 86_400_000),
      STORAGE_BYTES_PER_TENANT: String(defaults.storageBytesPerTenant),
      UNMATCHED_EVENT_RETENTION_SECONDS: String(defaults.delivery.unmatchedEventRetentionMs / 1000),
      AUDIT_RETENTION_DAYS: String(defaults.delivery.auditRetentionMs / 86_400_000),
      SHUTDOWN_GRACE_SECONDS: String(defaults.delivery.shutdownGraceMs / 1000),
      RATE_LIMIT_PER_SECOND: String(defaults.rateLimit.perSecond),
      RATE_LIMIT_BURST: String(defaults.rateLimit.burst),
      LIVE_BUFFER_SIZE: String(defaults.live.bufferSize),
      MAX_SUBSCRIPTIONS_PER_CONNECTION: String(defaults.live.perConnection),
      MAX_SUBSCRIPTIONS_PER_TENANT: String(defaults.live.perTenant),
      LIVE_TENANT_PAYLOAD_BYTES: String(defaults.live.tenantPayloadBytes),
      LIVE_SLOW_CLIENT_SECONDS: String(defaults.live.slowClientMs / 1000),
      LIVE_SLOW_CLIENT_BYTES: String(defaults.live.slowClientBytes),
      // Made from the process's descriptor limit: documented in words.
      MAX_CONNECTIONS: undefined,
      MAX_WS_CONNECTIONS_PER_KEY: String(defaults.connections.wsPerKey),
      MAX_WAITING_CONNECTIONS_PER_ADDRESS: String(defaults.connections.waitingPerAddress),
      HTTP_HEADERS_TIMEOUT_SECONDS: String(defaults.connections.headersTimeoutMs / 1000),
      HTTP_REQUEST_TIMEOUT_SECONDS: String(defaults.connections.requestTimeoutMs / 1000),
      HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: String(defaults.connections.keepAliveTimeoutMs / 1000),
      METRICS_TOKEN: '',
      METRICS_PORT: '',
      FRAME_ANCESTORS: defaults.web.frameAncestors.join(' '),
      CORS_ORIGINS: '',
      EVENT_LOOP_WATCHDOG_SECONDS: String(defaults.eventLoopWatchdogMs / 1000),
      SPEED_UPS: defaults.speedUps ? 'on' : 'off',
      SECRETS_KEY: '',
      // Made from DATABASE_PATH: documented in words.
      SECRETS_KEY_FILE: undefined,
    });
  });
});
