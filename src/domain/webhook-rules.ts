import { z } from 'zod';
import { deliveryUrlProblem } from './url-rules.ts';
import { text } from './validation.ts';
import { isValidSigningSecret } from '../delivery/signer.ts';
import { backoffStrategies, webhookTypes } from '../store/webhooks.ts';

export const webhookDefaults = {
  type: 'CUSTOM',
  enabled: true,
  timeoutSeconds: 15,
  retryPolicy: { maxRetries: 5, backoffSeconds: 30, strategy: 'EXPONENTIAL' },
  configuration: { echo: false, channelTypes: [] as string[], filters: [] },
} as const;

export const limits = {
  nameLength: 150,
  topics: 50,
  topicLength: 200,
  headers: 20,
  headerValueLength: 4096,
  bearerTokenLength: 2000,
  timeoutSeconds: { min: 1, max: 60 },
  maxRetries: { min: 0, max: 10 },
  backoffSeconds: { min: 1, max: 300 },
  channelTypes: 20,
  filters: 20,
  filterLength: 500,
} as const;

const TOPIC = /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DOT_PATH = /^[^.\s]+(\.[^.\s]+)*$/;

// Set by the gateway itself, or meaningless on a single request: a tenant may not override them.
const RESERVED_HEADERS = new Set([
  'host', 'content-length', 'content-type', 'content-encoding', 'transfer-encoding', 'connection',
  'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-authorization', 'proxy-connection',
  'user-agent',
]);

export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || lower.startsWith('webhook-') || lower.startsWith('proxy-');
}

const noLineBreaks = (value: string) => !/[\r\n\0]/.test(value);

const deliveryUrl = (allowPrivateAddresses: boolean) =>
  z.string().superRefine((value, ctx) => {
    const problem = deliveryUrlProblem(value, allowPrivateAddresses);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const name = text()
  .max(limits.nameLength, `must be at most ${limits.nameLength} characters`)
  .refine((value) => value.trim().length > 0, 'must not be empty');

const topics = z
  .array(
    z
      .string()
      .max(limits.topicLength, `must be at most ${limits.topicLength} characters`)
      .regex(TOPIC, 'must be an event type (message.created), a family (message.*) or *'),
  )
  .min(1, 'must name at least one event type')
  .max(limits.topics, `must name at most ${limits.topics} event types`)
  .transform((list) => [...new Set(list)]);

const headers = z
  .array(
    z.object({
      name: z
        .string()
        .regex(HEADER_NAME, 'must be a valid HTTP header name')
        .refine((value) => !isReservedHeader(value), 'is set by the gateway and cannot be overridden'),
      value: z
        .string()
        .max(limits.headerValueLength, `must be at most ${limits.headerValueLength} characters`)
        .refine(noLineBreaks, 'must not contain line breaks'),
    }),
  )
  .max(limits.headers, `must have at most ${limits.headers} headers`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((header, index) => {
      const key = header.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'is given twice' });
      seen.add(key);
    });
  });

const bearerToken = text()
  .min(1, 'must not be empty')
  .max(limits.bearerTokenLength, `must be at most ${limits.bearerTokenLength} characters`)
  .refine(noLineBreaks, 'must not contain line breaks');

const int = (range: { min: number; max: number }) =>
  z
    .number()
    .int('must be a whole number')
    .min(range.min, `must be between ${range.min} and ${range.max}`)
    .max(range.max, `must be between ${range.min} and ${range.max}`);

const retryPolicy = z.object({
  maxRetries: int(limits.maxRetries).nullish(),
  backoffSeconds: int(limits.backoffSeconds).nullish(),
  strategy: z.enum(backoffStrategies).nullish(),
});

const configuration = (allowPrivateAddresses: boolean) =>
  z.object({
    echo: z.boolean().nullish(),
    channelTypes: z
      .array(text().min(1, 'must not be empty').max(64, 'must be at most 64 characters'))
      .max(limits.channelTypes, `must have at most ${limits.channelTypes} channel types`)
      .transform((list) => [...new Set(list)])
      .nullish(),
    filters: z
      .array(
        z.object({
          field: text().max(200, 'must be at most 200 characters').regex(DOT_PATH, 'must be a dot path such as campaign_name or data.status'),
          expression: text()
            .min(1, 'must not be empty')
            .max(limits.filterLength, `must be at most ${limits.filterLength} characters`),
        }),
      )
      .max(limits.filters, `must have at most ${limits.filters} filters`)
      .nullish(),
    webengage: z
      .object({
        webhookUrl: deliveryUrl(allowPrivateAddresses).nullish(),
        token: bearerToken.nullish(),
      })
      .nullish(),
  });

const signingSecret = z
  .string()
  .refine(isValidSigningSecret, 'must be whsec_ followed by the base64 of 24 to 64 random bytes');

/** Field-by-field rules for both mutations; whole-state rules live in `settingsProblems`. */
export function webhookInputSchemas(allowPrivateAddresses: boolean) {
  const fields = {
    url: deliveryUrl(allowPrivateAddresses),
    topics,
    type: z.enum(webhookTypes),
    name,
    enabled: z.boolean(),
    headers,
    bearerToken,
    timeoutSeconds: int(limits.timeoutSeconds),
    retryPolicy,
    configuration: configuration(allowPrivateAddresses),
  };
  const create = z.object({
    url: fields.url,
    topics: fields.topics,
    type: fields.type.nullish(),
    name: fields.name.nullish(),
    enabled: fields.enabled.nullish(),
    headers: fields.headers.nullish(),
    bearerToken: fields.bearerToken.nullish(),
    timeoutSeconds: fields.timeoutSeconds.nullish(),
    retryPolicy: fields.retryPolicy.nullish(),
    configuration: fields.configuration.nullish(),
    signingSecret: signingSecret.nullish(),
  });
  const update = z.object({
    url: fields.url.optional(),
    topics: fields.topics.optional(),
    type: fields.type.optional(),
    name: fields.name.nullish(),
    enabled: fields.enabled.optional(),
    headers: fields.headers.nullish(),
    bearerToken: fields.bearerToken.nullish(),
    timeoutSeconds: fields.timeoutSeconds.optional(),
    retryPolicy: fields.retryPolicy.optional(),
    configuration: fields.configuration.optional(),
  });
  return { create, update };
}

type Schemas = ReturnType<typeof webhookInputSchemas>;
export type CreateWebhookInput = z.input<Schemas['create']>;
type UpdateShape = z.input<Schemas['update']>;
/** As GraphQL delivers it: any field may be null; the parse decides which nulls are allowed. */
export type UpdateWebhookInput = { [K in keyof UpdateShape]?: UpdateShape[K] | null };
export type ParsedCreateWebhookInput = z.output<Schemas['create']>;
export type ParsedUpdateWebhookInput = z.output<Schemas['update']>;

/*
 * Nested fields that cannot be cleared. The top-level ones are typed non-null in the update
 * schema above; these sit inside nested inputs shared with create, where null means "default".
 */
const requiredNested: string[][] = [
  ['retryPolicy', 'maxRetries'],
  ['retryPolicy', 'backoffSeconds'],
  ['retryPolicy', 'strategy'],
  ['configuration', 'echo'],
  ['configuration', 'channelTypes'],
  ['configuration', 'filters'],
  ['configuration', 'webengage', 'webhookUrl'],
];

export const requiredOnUpdate = ['url', 'topics', 'type', 'enabled', 'timeoutSeconds', 'retryPolicy', 'configuration'];

/** Paths in an update input where null was given for a value that cannot be cleared. */
export function nullsOnRequired(input: Record<string, unknown>): string[][] {
  const found = requiredOnUpdate.filter((key) => input[key] === null).map((key) => [key]);
  for (const path of requiredNested) {
    let node: unknown = input;
    for (const key of path.slice(0, -1)) node = (node as Record<string, unknown> | null | undefined)?.[key];
    if (node && typeof node === 'object' && (node as Record<string, unknown>)[path.at(-1)!] === null) found.push(path);
  }
  return found;
}
