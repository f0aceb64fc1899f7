import { z } from 'zod';
import { deliveryUrlProblem } from './url-rules.ts';
import { tooLong } from './input-limits.ts';
import { inputLimits as limits, type Limit } from './limits.ts';
import { text } from './validation.ts';
import { isValidSigningSecret, signingSecretRule } from './signing-secret.ts';
import { backoffStrategies, webhookTypes } from './webhook.ts';

export const webhookDefaults = {
  type: 'CUSTOM',
  enabled: true,
  timeoutSeconds: limits.timeoutSeconds.default,
  retryPolicy: { maxRetries: limits.maxRetries.default, backoffSeconds: limits.backoffSeconds.default, strategy: 'EXPONENTIAL' },
  configuration: { echo: false, channelTypes: [] as string[], filters: [] },
} as const;

const TOPIC = /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;
/** RFC 9110 field name: a token. No spaces, colons, control characters or non-ASCII. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DOT_PATH = /^[^.\s]+(\.[^.\s]+)*$/;

/*
 * Header names a tenant may not set (compared case-insensitively):
 * - set by the gateway on every request: content-type, user-agent, and every webhook-* name
 *   (Standard Webhooks' id, timestamp and signature, and any it may add);
 * - owned by the gateway's framing of the message and its body: host, content-*,
 *   transfer-encoding, expect;
 * - hop-by-hop (RFC 9110 7.6.1), meaningless or harmful on one request: connection,
 *   keep-alive, te, trailer, upgrade, http2-settings, proxy-*.
 * Authorization is the tenant's, unless the gateway sends a bearer token (settingsProblems).
 */
const RESERVED_HEADERS = new Set([
  'host',
  'content-type',
  'transfer-encoding',
  'expect',
  'user-agent',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'http2-settings',
]);
const RESERVED_PREFIXES = ['content-', 'proxy-', 'webhook-'];

export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * Why a string cannot be sent as an HTTP field value, or null. Allowed: visible ASCII, and
 * spaces and tabs between visible characters. Refused rather than trimmed: a receiver strips
 * surrounding whitespace, so it would not get what was written. Non-ASCII (obs-text) is refused
 * too: its bytes would depend on an encoding the tenant cannot choose. Never echoes the value,
 * which may be a credential.
 */
export function headerValueProblem(value: string): string | null {
  if (/[\r\n\0]/.test(value)) return 'must not contain line breaks or NUL';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rule finds
  if (/[\x01-\x08\x0b-\x1f\x7f]/.test(value)) return 'must not contain control characters (tab is allowed)';
  if (/[^\t\x20-\x7e]/.test(value)) return 'must contain only ASCII characters';
  if (/^[\t ]|[\t ]$/.test(value)) return 'must not start or end with a space or tab';
  return null;
}

/** A zod refinement that reports `headerValueProblem` without the value. */
const headerValueRule = (value: string, ctx: z.RefinementCtx) => {
  const problem = headerValueProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

const deliveryUrl = (allowPrivateAddresses: boolean) =>
  z.string().superRefine((value, ctx) => {
    const problem = deliveryUrlProblem(value, allowPrivateAddresses);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const name = text()
  .max(limits.webhookNameLength.max, tooLong(limits.webhookNameLength.max))
  .refine((value) => value.trim().length > 0, 'must not be empty');

const topics = z
  .array(
    z
      .string()
      .max(limits.topicLength.max, tooLong(limits.topicLength.max))
      .regex(TOPIC, 'must be an event type (message.created), a family (message.*) or *'),
  )
  .min(1, 'must name at least one event type')
  .max(limits.topics.max, `must name at most ${limits.topics.max} event types`)
  .transform((list) => [...new Set(list)]);

const headers = z
  .array(
    z.object({
      name: z
        .string()
        .max(limits.headerNameLength.max, tooLong(limits.headerNameLength.max))
        .regex(HEADER_NAME, "must be an HTTP token: letters, digits and !#$%&'*+-.^_`|~ only")
        .refine((value) => !isReservedHeader(value), 'is set by the gateway or hop-by-hop, and cannot be set'),
      value: z.string().max(limits.headerValueLength.max, tooLong(limits.headerValueLength.max)).superRefine(headerValueRule),
    }),
  )
  .max(limits.headers.max, `must have at most ${limits.headers.max} headers`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((header, index) => {
      const key = header.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'is given twice (names are case-insensitive)' });
      seen.add(key);
    });
    const total = list.reduce((sum, header) => sum + header.name.length + header.value.length, 0);
    if (total > limits.headersTotalLength.max) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${limits.headersTotalLength.max} characters together (names and values)` });
    }
  });

// Sent as `Authorization: Bearer <token>`, so it obeys the header value rule too (visible ASCII,
// which already refuses a lone surrogate: one message, not two).
const bearerToken = z
  .string()
  .min(1, 'must not be empty')
  .max(limits.bearerTokenLength.max, tooLong(limits.bearerTokenLength.max))
  .superRefine(headerValueRule);

const int = (range: Limit & { min: number }) =>
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
      .array(text().min(1, 'must not be empty').max(limits.channelTypeLength.max, tooLong(limits.channelTypeLength.max)))
      .max(limits.channelTypes.max, `must have at most ${limits.channelTypes.max} channel types`)
      .transform((list) => [...new Set(list)])
      .nullish(),
    filters: z
      .array(
        z.object({
          field: text()
            .max(limits.filterFieldLength.max, tooLong(limits.filterFieldLength.max))
            .regex(DOT_PATH, 'must be a dot path such as campaign_name or data.status'),
          expression: text().min(1, 'must not be empty').max(limits.filterExpressionLength.max, tooLong(limits.filterExpressionLength.max)),
        }),
      )
      .max(limits.filters.max, `must have at most ${limits.filters.max} filters`)
      .nullish(),
    webengage: z
      .object({
        webhookUrl: deliveryUrl(allowPrivateAddresses).nullish(),
        token: bearerToken.nullish(),
      })
      .nullish(),
  });

const signingSecret = z.string().refine(isValidSigningSecret, signingSecretRule);

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
    rateLimitPerSecond: int(limits.rateLimitPerSecond),
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
    rateLimitPerSecond: fields.rateLimitPerSecond.nullish(),
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
    rateLimitPerSecond: fields.rateLimitPerSecond.nullish(),
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
