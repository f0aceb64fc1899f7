import type { Migration } from 'kysely';
import * as m0001 from './0001_init.ts';
import * as m0002 from './0002_delivery.ts';
import * as m0003 from './0003_leases.ts';
import * as m0004 from './0004_rate_limits.ts';
import * as m0007 from './0007_replay.ts';

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
};
