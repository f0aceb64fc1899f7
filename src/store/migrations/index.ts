import type { Migration } from 'kysely';
import * as m0001 from './0001_init.ts';
import * as m0002 from './0002_delivery.ts';
import * as m0003 from './0003_leases.ts';
import * as m0004 from './0004_rate_limits.ts';
import * as m0007 from './0007_replay.ts';
import * as m0008 from './0008_attempt_request_headers.ts';
import * as m0010 from './0010_deliveries_failed.ts';
import * as m0011 from './0011_receiver_directive.ts';
import * as m0012 from './0012_webhook_pause.ts';
import * as m0013 from './0013_endpoint_rate_limit.ts';
import * as m0014 from './0014_ordering_key.ts';
import * as m0015 from './0015_webhooks_version.ts';
import * as m0016 from './0016_attempt_requests.ts';
import * as m0017 from './0017_tenant_storage.ts';
import * as m0018 from './0018_audit_log.ts';
import * as m0019 from './0019_deliveries_webhook_due.ts';

/*
 * Every migration, by sortable name. Listed statically rather than read from the folder at run
 * time so the same code runs under tsx, vitest and any bundler; a new migration is one line here.
 */
export const migrations: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_delivery': m0002,
  '0003_leases': m0003,
  '0004_rate_limits': m0004,
  '0007_replay': m0007,
  '0008_attempt_request_headers': m0008,
  '0010_deliveries_failed': m0010,
  '0011_receiver_directive': m0011,
  '0012_webhook_pause': m0012,
  '0013_endpoint_rate_limit': m0013,
  '0014_ordering_key': m0014,
  '0015_webhooks_version': m0015,
  '0016_attempt_requests': m0016,
  '0017_tenant_storage': m0017,
  '0018_audit_log': m0018,
  '0019_deliveries_webhook_due': m0019,
};
