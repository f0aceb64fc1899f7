import { parseArgs } from 'node:util';
import { apiKeyScopes } from '../domain/scopes.ts';
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { ValidationError } from '../domain/errors.ts';
import { apiKeyService } from '../services/api-keys.ts';
import { openDatabase } from '../store/db.ts';
import { migrateToLatest } from '../store/migrate.ts';

const usage = `Usage: npm run keys -- create --tenant NAME --scopes SCOPE[,SCOPE...] [--name NAME]

Creates the tenant if it does not exist and prints the new API key alone on the last line.
Scopes: ${apiKeyScopes.join(', ')}
Uses DATABASE_URL when set (Postgres), else DATABASE_PATH (default ./data/gateway.db).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      scopes: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (positionals[0] !== 'create') fail(`unknown command: ${positionals[0] ?? '(none)'}`);
  if (!values.tenant?.trim()) fail('--tenant is required');
  if (!values.scopes) fail('--scopes is required');
  const scopes = values.scopes
    .split(',')
    .map((scope) => scope.trim().toUpperCase())
    .filter(Boolean);

  const config = loadConfig();
  const databasePath = config.databaseUrl ? 'the Postgres database at DATABASE_URL' : config.databasePath;
  const db = openDatabase(config);
  try {
    await migrateToLatest(db);
    const service = apiKeyService({ db, clock: systemClock });
    const created = await service.createForTenantName(values.tenant.trim(), {
      name: values.name ?? `cli key (${scopes.join(', ')})`,
      scopes: scopes as (typeof apiKeyScopes)[number][],
    });
    // The database is named: a key is only known to a server that uses the same DATABASE_PATH.
    process.stdout.write(
      `Created API key ${created.apiKey.id} for tenant "${values.tenant.trim()}" (${created.tenantId}) in ${databasePath} with ${scopes.join(', ')}:\n${created.key}\n`,
    );
  } catch (error) {
    if (error instanceof ValidationError) fail(error.fieldErrors.map((e) => `${e.path.slice(1).join('.')}: ${e.message}`).join('\n'));
    throw error;
  } finally {
    await db.destroy();
  }
}

await main();
