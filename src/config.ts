import { z } from 'zod';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/gateway.db'),
  ALLOW_PRIVATE_ADDRESSES: boolean.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  databasePath: string;
  /** Development and tests only: admit http:// and loopback/private receivers. */
  allowPrivateAddresses: boolean;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
};

export class ConfigError extends Error {}

/** Reads the environment into a typed config; a bad value stops start-up with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    host: values.HOST,
    databasePath: values.DATABASE_PATH,
    allowPrivateAddresses: values.ALLOW_PRIVATE_ADDRESSES,
    logLevel: values.LOG_LEVEL,
  };
}
