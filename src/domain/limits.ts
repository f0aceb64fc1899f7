/*
 * Every limit on what a caller may send, each number written once with a few words on what it
 * bounds. The validation (webhook-rules.ts, url-rules.ts, input-limits.ts, the services), the
 * GraphQL descriptions and docs/input-limits.md (src/scripts/print-limits.ts) all read these, so
 * a number changed here changes everywhere it is enforced or shown. Imports nothing.
 */

/** A bound in `unit`s: at most `max`, at least `min` where there is one; `default` where an absent value takes one. */
export type Limit = {
  readonly min?: number;
  readonly max: number;
  readonly default?: number;
  readonly unit: string;
  readonly text: string;
};

const KiB = 1024;
const MiB = 1024 * KiB;

export const inputLimits = {
  idLength: { max: 64, unit: 'characters', text: 'an id or a cursor (ids are a short prefix and a ULID: 29 characters)' },
  urlLength: { max: 2048, unit: 'characters', text: "a delivery URL: a webhook's url, a WebEngage webhookUrl" },
  topicLength: { max: 200, unit: 'characters', text: 'an event type, or a topic pattern a webhook or a filter names' },
  searchLength: { max: 200, unit: 'characters', text: "the text `webhooks(filter: { search })` looks for in webhooks' names and URLs" },
  mutationNameLength: { max: 64, unit: 'characters', text: 'a Mutation field name `auditLog(filter: { mutation })` looks for' },
  callerKeyLength: { min: 1, max: 255, unit: 'characters', text: "an event's idempotencyKey or orderingKey" },
  channelTypeLength: {
    min: 1,
    max: 64,
    unit: 'characters',
    text: "a channel name (whatsapp, sms): an event's channelType, each of a webhook's channelTypes",
  },
  payloadBytes: { max: 256 * KiB, unit: 'bytes', text: 'an event payload, as JSON' },
  payloadDepth: { max: 32, unit: 'levels', text: 'objects and arrays nested in an event payload (`{}` and `[]` are one level)' },
  filterWork: {
    max: 32 * MiB,
    unit: 'characters',
    text: 'compared by the payload filters of every webhook one event may reach (the matcher is linear in the value)',
  },
  apiKeyNameLength: { min: 1, max: 100, unit: 'characters', text: "an API key's name (not only spaces)" },
  webhookNameLength: { min: 1, max: 150, unit: 'characters', text: "a webhook's name (not only spaces)" },
  topics: { min: 1, max: 50, unit: 'event types', text: "a webhook's topics (repeats count once)" },
  headers: { max: 20, unit: 'headers', text: "a webhook's custom headers" },
  headerNameLength: { max: 256, unit: 'characters', text: "a custom header's name" },
  headerValueLength: { max: 4096, unit: 'characters', text: "a custom header's value" },
  headersTotalLength: {
    max: 8192,
    unit: 'characters',
    text: 'names and values of all custom headers together (receivers commonly cap a header section at 8 to 16 KiB)',
  },
  bearerTokenLength: { min: 1, max: 2000, unit: 'characters', text: "a bearer token (a webhook's bearerToken, a WebEngage token)" },
  signingSecretLength: { max: 100, unit: 'characters', text: 'a signing secret as sent, before its format is checked' },
  signingSecretBytes: { min: 24, max: 64, unit: 'random bytes', text: 'the key a signing secret holds: whsec_ and their base64' },
  timeoutSeconds: { min: 1, max: 60, default: 15, unit: 'seconds', text: "a webhook's wait for its endpoint's response" },
  maxRetries: { min: 0, max: 10, default: 5, unit: 'retries', text: 'retries of a delivery after its first attempt' },
  backoffSeconds: { min: 1, max: 300, default: 30, unit: 'seconds', text: 'the base delay between attempts' },
  rateLimitPerSecond: { min: 1, max: 10_000, unit: 'attempts per second', text: "a webhook's endpoint rate limit (none by default)" },
  channelTypes: { max: 20, unit: 'channel types', text: "a webhook's channelTypes (repeats count once)" },
  filters: { max: 20, unit: 'filters', text: "a webhook's payload filters" },
  filterFieldLength: { max: 200, unit: 'characters', text: "a payload filter's field (a dot path)" },
  filterExpressionLength: { min: 1, max: 500, unit: 'characters', text: "a payload filter's expression" },
  secretOverlapSeconds: {
    min: 0,
    max: 604_800,
    default: 86_400,
    unit: 'seconds',
    text: 'how long the old secret keeps signing after rotateSigningSecret',
  },
  activityMinutes: {
    min: 1,
    max: 1440,
    default: 60,
    unit: 'minutes',
    text: 'the window `Webhook.activity(minutes)` covers (values outside are clamped)',
  },
  pageSize: { min: 0, max: 100, default: 20, unit: 'items', text: 'a page of a connection (`first` or `last`)' },
  redeliverFailedAgeDays: { max: 7, unit: 'days', text: 'how far back redeliverFailed and recoverDeliveries reach (`since`)' },
  perRecoveryCall: {
    max: 1000,
    unit: 'deliveries',
    text: 'resent or created by one recoverDeliveries, redeliverFailed or replayEvents call',
  },
  replayScanBytes: {
    max: 32 * MiB,
    unit: 'bytes',
    text: 'event payloads one replayEvents call reads, matching or not (each event counted at least 1 KiB)',
  },
  otherStringLength: { max: 1000, unit: 'characters', text: 'any other string argument, until it is given a limit of its own' },
} as const satisfies Record<string, Limit>;

/** `1..150`, as the descriptions and the docs page write a range. */
export const rangeText = (limit: Limit & { readonly min: number }) => `${limit.min}..${limit.max}`;
