import type { WebhookRow } from '../../src/store/db.ts';
import { describeDiff, onlyChanged, short, type Diff, type Snapshot } from './fuzz-lane.ts';

/*
 * What an accepted mutation must have done, judged from the tenant's state before and after and
 * the input as the server parsed it. Written from the README and the contract, not from the
 * services, so the two can disagree.
 */

type Input = Record<string, unknown>;
type Result = Record<string, unknown>;
export type OracleArgs = { variables: Input; result: Result; before: Snapshot; after: Snapshot; diff: Diff; ownKeyId: string };

const asList = (value: unknown): unknown[] | null | undefined =>
  value == null ? (value as null | undefined) : Array.isArray(value) ? value : [value];
const dedup = <T>(list: T[]) => [...new Set(list)];
const obj = (value: unknown): Input | null | undefined => value as Input | null | undefined;
const json = (value: unknown) => JSON.stringify(value);
/** "Characters" in the README are code points: an emoji is one, as the validation counts it. */
const characters = (value: string) => [...value].length;

const TOPIC = /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;
const SECRET = /^whsec_[A-Za-z0-9+/]+=*$/;

/** Fields of `actual` that differ from `expected` (numbers compared as JSON, so -0 is 0). */
/** Deliveries not yet ended, as the README names them. */
const OPEN_STATUSES = ['PENDING', 'RETRYING', 'WAITING'];

function mismatches(expected: Record<string, unknown>, actual: Record<string, unknown>, what: string): string[] {
  return Object.entries(expected)
    .filter(([key, value]) => json(value) !== json(actual[key]))
    .map(([key, value]) => `${what}.${key}: expected ${short(value)}, stored ${short(actual[key])}`);
}

/** The documented rules every stored webhook satisfies, however it got there. */
export function webhookRuleProblems(row: WebhookRow): string[] {
  const problems: string[] = [];
  const bad = (message: string) => problems.push(`stored webhook breaks a documented rule: ${message}`);
  let url: URL | null = null;
  try {
    url = new URL(row.url);
  } catch {
    bad(`url ${short(row.url)} is not an absolute URL`);
  }
  if (url && url.protocol !== 'https:') bad(`url ${short(row.url)} is not https`);
  if (url && (url.username || url.password)) bad(`url ${short(row.url)} has credentials`);
  if (row.url.includes('#')) bad(`url ${short(row.url)} has a fragment`);
  if (row.url.length > 2048) bad(`url is ${row.url.length} characters`);
  if (row.name !== null && (characters(row.name) > 150 || row.name.trim() === '')) bad(`name ${short(row.name)}`);
  const topics = JSON.parse(row.topics) as string[];
  if (topics.length < 1 || topics.length > 50) bad(`${topics.length} topics`);
  for (const topic of topics) if (!TOPIC.test(topic) || topic.length > 200) bad(`topic ${short(topic)}`);
  const headers = JSON.parse(row.headers) as { name: string; value: string }[];
  if (headers.length > 20) bad(`${headers.length} headers`);
  for (const header of headers) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(header.name)) bad(`header name ${short(header.name)}`);
    if (/[\r\n\0]/.test(header.value)) bad(`header value ${short(header.value)}`);
  }
  if (
    row.bearer_token !== null &&
    (row.bearer_token.length < 1 || characters(row.bearer_token) > 2000 || /[\r\n\0]/.test(row.bearer_token))
  )
    bad('bearer token');
  if (!(row.timeout_seconds >= 1 && row.timeout_seconds <= 60)) bad(`timeoutSeconds ${row.timeout_seconds}`);
  if (!(row.max_retries >= 0 && row.max_retries <= 10)) bad(`maxRetries ${row.max_retries}`);
  if (!(row.backoff_seconds >= 1 && row.backoff_seconds <= 300)) bad(`backoffSeconds ${row.backoff_seconds}`);
  if (![row.timeout_seconds, row.max_retries, row.backoff_seconds].every(Number.isInteger)) bad('a fractional number');
  if (!['CUSTOM', 'ZAPIER', 'WEBENGAGE', 'INTEGROMAT_MAKE'].includes(row.type)) bad(`type ${row.type}`);
  if (!['EXPONENTIAL', 'LINEAR', 'FIXED'].includes(row.backoff_strategy)) bad(`strategy ${row.backoff_strategy}`);
  if (row.type === 'WEBENGAGE' && !row.webengage_url) bad('WEBENGAGE without a webengage url');
  if (!SECRET.test(row.signing_secret)) bad(`signing secret ${short(row.signing_secret)}`);
  if (row.bearer_token && headers.some((header) => header.name.toLowerCase() === 'authorization'))
    bad('Authorization header beside a bearer token');
  return problems;
}

/** The stored topic rows of a webhook: one per (topic, url). */
function topicRows(snapshot: Snapshot, webhookId: string): string[] {
  return snapshot.topics.filter((row) => row.startsWith(`${webhookId}|`));
}

function expectTopicRows(after: Snapshot, row: WebhookRow): string[] {
  const expected = (JSON.parse(row.topics) as string[]).map((topic) => `${row.id}|${topic}|${row.url}`).sort();
  const actual = topicRows(after, row.id);
  return json(expected) === json(actual) ? [] : [`webhook_topics for ${row.id}: expected ${short(expected)}, found ${short(actual)}`];
}

function configurationOf(input: Input | null | undefined) {
  return obj(input?.configuration);
}

function webengageColumns(
  base: { url: string | null; token: string | null },
  webengage: unknown,
): { webengage_url: string | null; webengage_token: string | null } {
  if (webengage === undefined) return { webengage_url: base.url, webengage_token: base.token };
  if (webengage === null) return { webengage_url: null, webengage_token: null };
  const given = obj(webengage)!;
  return {
    webengage_url: (given.webhookUrl as string | null | undefined) ?? base.url,
    webengage_token: given.token === undefined ? (base.url ? base.token : null) : (given.token as string | null),
  };
}

const headerList = (value: unknown) => asList(value)?.map((header) => ({ name: obj(header)!.name, value: obj(header)!.value }));
const filterList = (value: unknown) => asList(value)?.map((filter) => ({ field: obj(filter)!.field, expression: obj(filter)!.expression }));

function createWebhook({ variables, result, diff, after }: OracleArgs): string[] {
  const input = obj(variables.input)!;
  const problems = onlyChanged(diff, { webhooks: true, topics: true });
  if (diff.webhooks.added.length !== 1 || diff.webhooks.changed.length || diff.webhooks.removed.length)
    return [...problems, `expected one new webhook: ${describeDiff(diff).join('; ')}`];
  const row = diff.webhooks.added[0]!;
  const webhook = obj(result.webhook)!;
  if (webhook.id !== row.id) problems.push(`result names ${short(webhook.id)}, stored ${row.id}`);
  const configuration = configurationOf(input);
  const retry = obj(input.retryPolicy);
  const expected = {
    name: input.name ?? null,
    url: input.url,
    type: input.type ?? 'CUSTOM',
    topics: json(dedup(asList(input.topics)!)),
    enabled: (input.enabled ?? true) ? 1 : 0,
    headers: json(headerList(input.headers) ?? []),
    bearer_token: input.bearerToken ?? null,
    timeout_seconds: input.timeoutSeconds ?? 15,
    max_retries: retry?.maxRetries ?? 5,
    backoff_seconds: retry?.backoffSeconds ?? 30,
    backoff_strategy: retry?.strategy ?? 'EXPONENTIAL',
    echo: configuration?.echo ? 1 : 0,
    channel_types: json(dedup((asList(configuration?.channelTypes) as string[] | null | undefined) ?? [])),
    filters: json(filterList(configuration?.filters) ?? []),
    ...webengageColumns({ url: null, token: null }, configuration?.webengage ?? undefined),
    disabled_reason: null,
    previous_signing_secret: null,
    previous_secret_expires_at: null,
    consecutive_failures: 0,
    ...(input.signingSecret != null ? { signing_secret: input.signingSecret } : {}),
  };
  problems.push(...mismatches(expected, row as unknown as Record<string, unknown>, 'createWebhook stored'));
  if (result.signingSecret !== row.signing_secret) problems.push('createWebhook result signingSecret differs from the stored one');
  problems.push(...viewProblems(webhook, row), ...webhookRuleProblems(row), ...expectTopicRows(after, row));
  return problems;
}

/** The GraphQL view the mutation returned must be what was stored. */
function withoutTypenames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypenames);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '__typename')
      .map(([key, inner]) => [key, withoutTypenames(inner)]),
  );
}

function viewProblems(returned: Input, row: WebhookRow): string[] {
  const view = withoutTypenames(returned) as Input;
  const configuration = obj(view.configuration);
  const retry = obj(view.retryPolicy);
  const webengage = obj(configuration?.webengage);
  const shown = {
    name: view.name,
    url: view.url,
    type: view.type,
    topics: json(view.topics),
    enabled: view.enabled ? 1 : 0,
    headers: json(view.headers),
    timeout_seconds: view.timeoutSeconds,
    max_retries: retry?.maxRetries,
    backoff_seconds: retry?.backoffSeconds,
    backoff_strategy: retry?.strategy,
    echo: configuration?.echo ? 1 : 0,
    channel_types: json(configuration?.channelTypes),
    filters: json(configuration?.filters),
    webengage_url: webengage?.webhookUrl ?? null,
    signing_secret: view.signingSecret,
  };
  const problems = mismatches(shown, row as unknown as Record<string, unknown>, 'returned webhook');
  if (view.hasBearerToken !== (row.bearer_token !== null)) problems.push('returned hasBearerToken does not match the stored token');
  if (webengage && webengage.hasToken !== (row.webengage_token !== null))
    problems.push('returned webengage.hasToken does not match the stored token');
  return problems;
}

function updateWebhook({ variables, result, diff, before, after }: OracleArgs): string[] {
  const input = obj(variables.input)!;
  const id = variables.id as string;
  const problems = onlyChanged(diff, { webhooks: true, topics: true, events: true, deliveries: true });
  const old = before.webhooks.get(id);
  const row = after.webhooks.get(id);
  if (!old || !row) return [...problems, `updated webhook ${id} missing before or after`];
  if (diff.webhooks.added.length || diff.webhooks.removed.length || diff.webhooks.changed.some((change) => change.after.id !== id))
    problems.push(`other webhooks changed: ${describeDiff(diff).join('; ')}`);
  const configuration = configurationOf(input);
  const retry = obj(input.retryPolicy);
  const has = (key: string, holder: Input | null | undefined = input) => holder != null && holder[key] !== undefined;
  const enabled = has('enabled') ? (input.enabled ? 1 : 0) : old.enabled;
  const reenabled = enabled === 1 && old.enabled === 0;
  const expected = {
    name: has('name') ? input.name : old.name,
    url: input.url ?? old.url,
    type: input.type ?? old.type,
    topics: has('topics') ? json(dedup(asList(input.topics)!)) : old.topics,
    enabled,
    headers: has('headers') ? json(headerList(input.headers) ?? []) : old.headers,
    bearer_token: has('bearerToken') ? input.bearerToken : old.bearer_token,
    timeout_seconds: input.timeoutSeconds ?? old.timeout_seconds,
    max_retries: retry?.maxRetries ?? old.max_retries,
    backoff_seconds: retry?.backoffSeconds ?? old.backoff_seconds,
    backoff_strategy: retry?.strategy ?? old.backoff_strategy,
    echo: configuration?.echo == null ? old.echo : configuration.echo ? 1 : 0,
    channel_types: has('channelTypes', configuration) ? json(dedup(asList(configuration!.channelTypes) as string[])) : old.channel_types,
    filters: has('filters', configuration) ? json(filterList(configuration!.filters)) : old.filters,
    ...webengageColumns({ url: old.webengage_url, token: old.webengage_token }, configuration?.webengage),
    signing_secret: old.signing_secret,
    previous_signing_secret: old.previous_signing_secret,
    previous_secret_expires_at: old.previous_secret_expires_at,
    disabled_reason: reenabled || (enabled === 0 && old.enabled === 1) ? null : old.disabled_reason,
    consecutive_failures: reenabled ? 0 : old.consecutive_failures,
    created_at: old.created_at,
  };
  problems.push(...mismatches(expected, row as unknown as Record<string, unknown>, 'updateWebhook stored'));
  if (row.updated_at <= old.updated_at) problems.push('updated_at did not move on');
  if (variables.expectedUpdatedAt != null && Date.parse(variables.expectedUpdatedAt as string) !== old.updated_at)
    problems.push(`accepted expectedUpdatedAt ${short(variables.expectedUpdatedAt)} for a webhook at ${old.updated_at}`);
  problems.push(...viewProblems(obj(result.webhook)!, row), ...webhookRuleProblems(row), ...expectTopicRows(after, row));
  const disabled = old.enabled === 1 && enabled === 0;
  // Enabling or disabling is told as an operational event, delivered where the README's matching says.
  const told = disabled ? 'gateway.webhook.disabled' : reenabled ? 'gateway.webhook.enabled' : null;
  const events = diff.events.added;
  if (diff.events.changed.length || diff.events.removed.length || events.length !== (told ? 1 : 0))
    problems.push(`expected ${told ?? 'no event'}: ${describeDiff(diff).join('; ')}`);
  const event = events[0];
  const eventDeliveries = event ? diff.deliveries.added.filter((delivery) => delivery.event_id === event.id) : [];
  if (event) {
    const payload = JSON.parse(event.payload) as Input;
    if (event.topic !== told || payload.webhookId !== id || payload.deliveryId !== null)
      problems.push(`operational event ${short(event.topic)} ${short(payload)} for ${id}`);
    const targets = [...after.webhooks.values()]
      .filter((webhook) => wants(webhook, { topic: event.topic, payload, channelType: null, echo: false }))
      .map((webhook) => webhook.id)
      .sort();
    const made = eventDeliveries.map((delivery) => delivery.webhook_id).sort();
    if (json(targets) !== json(made))
      problems.push(`deliveries of ${event.topic} to ${short(made)}, the README's matching says ${short(targets)}`);
    if (event.delivery_count !== made.length || eventDeliveries.some((delivery) => delivery.status !== 'PENDING'))
      problems.push(`${event.topic}: deliveryCount ${event.delivery_count}, ${made.length} PENDING deliveries`);
  }
  problems.push(
    ...deliveriesFailedFor(
      {
        ...diff,
        deliveries: { ...diff.deliveries, added: diff.deliveries.added.filter((delivery) => !eventDeliveries.includes(delivery)) },
      },
      disabled ? id : null,
    ),
  );
  return problems;
}

/** When a webhook stops (disabled or deleted) its waiting deliveries fail; nothing else changes. */
function deliveriesFailedFor(diff: Diff, webhookId: string | null): string[] {
  const problems: string[] = [];
  if (diff.deliveries.added.length || diff.deliveries.removed.length) problems.push('deliveries added or removed');
  for (const { before, after } of diff.deliveries.changed) {
    if (before.webhook_id !== webhookId) problems.push(`delivery ${after.id} of another webhook changed`);
    else if (!OPEN_STATUSES.includes(before.status) || after.status !== 'FAILED')
      problems.push(`delivery ${after.id} went ${before.status} -> ${after.status}`);
  }
  return problems;
}

function deleteWebhook({ variables, result, diff, before }: OracleArgs): string[] {
  const id = variables.id as string;
  const problems = onlyChanged(diff, { webhooks: true, topics: true, deliveries: true });
  if (result.deletedWebhookId !== id) problems.push(`deletedWebhookId ${short(result.deletedWebhookId)} for id ${short(id)}`);
  if (!before.webhooks.has(id)) problems.push('deleted a webhook the tenant did not have');
  if (diff.webhooks.removed.map((row) => row.id).join() !== id || diff.webhooks.added.length || diff.webhooks.changed.length)
    problems.push(`expected only ${id} removed: ${describeDiff(diff).join('; ')}`);
  problems.push(...deliveriesFailedFor(diff, id));
  return problems;
}

function rotateSigningSecret({ variables, result, diff, before, after }: OracleArgs): string[] {
  const id = variables.id as string;
  const problems = onlyChanged(diff, { webhooks: true });
  const old = before.webhooks.get(id);
  const row = after.webhooks.get(id);
  if (!old || !row) return [...problems, `rotated webhook ${id} missing`];
  if (diff.webhooks.changed.length !== 1 || diff.webhooks.added.length || diff.webhooks.removed.length)
    problems.push(`other webhooks changed: ${describeDiff(diff).join('; ')}`);
  const overlap = (variables.overlapSeconds as number | null | undefined) ?? 86_400;
  problems.push(
    ...mismatches(
      {
        ...old,
        signing_secret: row.signing_secret,
        previous_signing_secret: old.signing_secret,
        previous_secret_expires_at: row.updated_at + overlap * 1000,
        updated_at: row.updated_at,
      },
      row as unknown as Record<string, unknown>,
      'rotateSigningSecret stored',
    ),
  );
  if (row.signing_secret === old.signing_secret || !SECRET.test(row.signing_secret)) problems.push('no fresh signing secret');
  if (variables.signingSecret != null && row.signing_secret !== variables.signingSecret)
    problems.push("the caller's signingSecret was not the one stored");
  if (result.signingSecret !== row.signing_secret) problems.push('result signingSecret differs from the stored one');
  if (!(overlap >= 0 && overlap <= 604_800 && Number.isInteger(overlap))) problems.push(`accepted overlapSeconds ${overlap}`);
  return problems;
}

/** pauseWebhook sets pausedAt once (a second pause keeps the first time); resumeWebhook clears it. Nothing else moves. */
function pausing(paused: boolean) {
  return ({ variables, result, diff, before, after }: OracleArgs): string[] => {
    const id = variables.id as string;
    const problems = onlyChanged(diff, { webhooks: true });
    const old = before.webhooks.get(id);
    const row = after.webhooks.get(id);
    if (!old || !row) return [...problems, `${paused ? 'paused' : 'resumed'} webhook ${id} missing`];
    if (diff.webhooks.added.length || diff.webhooks.removed.length || diff.webhooks.changed.some((change) => change.after.id !== id)) {
      problems.push(`other webhooks changed: ${describeDiff(diff).join('; ')}`);
    }
    if (paused && row.paused_at === null) problems.push('pauseWebhook left paused_at null');
    if (paused && old.paused_at !== null && row.paused_at !== old.paused_at) problems.push('a second pause moved paused_at');
    if (!paused && row.paused_at !== null) problems.push('resumeWebhook left paused_at set');
    if (json({ ...old, paused_at: null, updated_at: 0 }) !== json({ ...row, paused_at: null, updated_at: 0 }))
      problems.push('pausing changed more than pausedAt');
    if ((result.webhook as { id?: string } | undefined)?.id !== id) problems.push('the result names another webhook');
    return problems;
  };
}

// Matching, written from the README: topic, family or * (not the gateway's own gateway.*), enabled,
// filters, channel types, echo; an operational event never to the webhook it is about.
const reserved = (topic: string) => topic.startsWith('gateway.');
function topicMatches(pattern: string, topic: string): boolean {
  if (pattern === '*') return !reserved(topic);
  if (pattern.endsWith('.*')) return topic.startsWith(pattern.slice(0, -1)) && topic.length > pattern.length - 1;
  return pattern === topic;
}
function glob(expression: string, value: string): boolean {
  const parts = expression.split('*');
  if (parts.length === 1) return expression === value;
  if (!value.startsWith(parts[0]!) || !value.endsWith(parts.at(-1)!) || value.length < parts[0]!.length + parts.at(-1)!.length)
    return false;
  let at = parts[0]!.length;
  const end = value.length - parts.at(-1)!.length;
  for (const part of parts.slice(1, -1)) {
    const found = value.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}
function valueAt(payload: unknown, path: string): unknown {
  let current = payload;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) current = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
    else if (current !== null && typeof current === 'object' && Object.hasOwn(current, segment)) current = (current as Input)[segment];
    else return undefined;
  }
  return current;
}
function wants(row: WebhookRow, event: { topic: string; payload: unknown; channelType: string | null; echo: boolean }): boolean {
  if (row.enabled !== 1) return false;
  if (reserved(event.topic) && valueAt(event.payload, 'webhookId') === row.id) return false;
  if (!(JSON.parse(row.topics) as string[]).some((pattern) => topicMatches(pattern, event.topic))) return false;
  if (event.echo && row.echo !== 1) return false;
  const channels = JSON.parse(row.channel_types) as string[];
  if (channels.length && (event.channelType === null || !channels.includes(event.channelType))) return false;
  return (JSON.parse(row.filters) as { field: string; expression: string }[]).every(({ field, expression }) => {
    const value = valueAt(event.payload, field);
    return ['string', 'number', 'boolean'].includes(typeof value) && glob(expression, String(value));
  });
}

function publishEvent({ variables, result, diff, before }: OracleArgs): string[] {
  const input = obj(variables.input)!;
  const event = obj(result.event)!;
  const problems = onlyChanged(diff, { events: true, deliveries: true });
  const key = (input.idempotencyKey as string | null | undefined) ?? null;
  const first =
    key === null
      ? undefined
      : [...before.events.values()].filter((row) => row.idempotency_key === key).sort((a, b) => a.created_at - b.created_at)[0];
  if (first) {
    if (event.id !== first.id)
      problems.push(`idempotency key ${short(key)} replayed as ${short(event.id)}, not the first event ${first.id}`);
    if (diff.events.added.length || diff.deliveries.added.length) problems.push('a replayed publish created rows');
    return problems;
  }
  if (diff.events.added.length !== 1 || diff.events.changed.length || diff.events.removed.length)
    return [...problems, `expected one new event: ${describeDiff(diff).join('; ')}`];
  const row = diff.events.added[0]!;
  const orderingKey = (input.orderingKey as string | null | undefined) ?? null;
  const published = {
    topic: input.topic as string,
    payload: input.payload,
    channelType: (input.channelType as string | null | undefined) ?? null,
    echo: input.echo === true,
  };
  problems.push(
    ...mismatches(
      {
        id: event.id,
        topic: published.topic,
        channel_type: published.channelType,
        echo: published.echo ? 1 : 0,
        idempotency_key: key,
        ordering_key: orderingKey,
        delivery_count: result.deliveryCount,
      },
      row as unknown as Record<string, unknown>,
      'publishEvent stored',
    ),
  );
  if (json(JSON.parse(row.payload)) !== json(published.payload))
    problems.push(`payload stored as ${short(row.payload)}, sent ${short(published.payload)}`);
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(published.topic) || published.topic === 'webhook.test' || reserved(published.topic))
    problems.push(`accepted topic ${short(published.topic)}`);
  const targets = [...before.webhooks.values()]
    .filter((webhook) => wants(webhook, published))
    .map((webhook) => webhook.id)
    .sort();
  const made = diff.deliveries.added.map((delivery) => delivery.webhook_id).sort();
  if (json(targets) !== json(made)) problems.push(`deliveries for ${short(made)}, the README's matching says ${short(targets)}`);
  // Behind an open delivery of its ordering key to the same webhook it waits; otherwise it is due now.
  const lineOpen = (webhookId: string) =>
    orderingKey !== null &&
    [...before.deliveries.values()].some(
      (open) => open.webhook_id === webhookId && open.ordering_key === orderingKey && OPEN_STATUSES.includes(open.status),
    );
  for (const delivery of diff.deliveries.added) {
    const expected = lineOpen(delivery.webhook_id) ? 'WAITING' : 'PENDING';
    if (delivery.event_id !== row.id || delivery.status !== expected || delivery.ordering_key !== orderingKey) {
      problems.push(`a new delivery is not a ${expected} one of this event with its ordering key: ${short(delivery)}`);
    }
  }
  if (diff.deliveries.changed.length || diff.deliveries.removed.length) problems.push('existing deliveries changed');
  return problems;
}

function redeliver({ variables, result, diff, before }: OracleArgs): string[] {
  const id = variables.deliveryId as string;
  const problems = onlyChanged(diff, { deliveries: true });
  const old = before.deliveries.get(id);
  if (!old) return [...problems, `redelivered ${short(id)}, which the tenant does not have`];
  if (!before.webhooks.has(old.webhook_id)) problems.push('redelivered a delivery whose webhook is deleted');
  if (old.status === 'WAITING') problems.push('redelivered a WAITING delivery out of its ordering line');
  if (obj(result.delivery)?.id !== id) problems.push('result names another delivery');
  const others = diff.deliveries.changed.filter((change) => change.after.id !== id);
  if (others.length || diff.deliveries.added.length || diff.deliveries.removed.length)
    problems.push(`other deliveries changed: ${describeDiff(diff).join('; ')}`);
  const row = diff.deliveries.changed.find((change) => change.after.id === id)?.after;
  if (
    row?.next_trigger !== 'MANUAL' ||
    row.next_attempt_at === null ||
    row.status !== old.status ||
    row.attempt_count !== old.attempt_count
  )
    problems.push(`delivery after redeliver: ${short(row)}`);
  return problems;
}

function redeliverFailed({ variables, result, diff, before }: OracleArgs): string[] {
  const webhookId = variables.webhookId as string;
  const since = Date.parse(variables.since as string);
  const problems = onlyChanged(diff, { deliveries: true });
  if (!before.webhooks.has(webhookId)) problems.push(`redeliverFailed on ${short(webhookId)}, which the tenant does not have`);
  if (!(since >= Date.now() - 7 * 86_400_000 - 60_000 && since <= Date.now())) problems.push(`accepted since ${short(variables.since)}`);
  if (diff.deliveries.added.length || diff.deliveries.removed.length) problems.push('deliveries added or removed');
  const due = [...before.deliveries.values()].filter(
    (row) => row.webhook_id === webhookId && row.status === 'FAILED' && row.created_at >= since,
  );
  for (const { before: old, after } of diff.deliveries.changed) {
    if (!due.includes(old) || after.next_trigger !== 'MANUAL' || after.status !== old.status)
      problems.push(`delivery ${after.id} changed: ${short(old)} -> ${short(after)}`);
  }
  if (result.count !== due.length)
    problems.push(`count ${short(result.count)}, but ${due.length} FAILED deliveries were created since then`);
  return problems;
}

/** [since, until) as the README defines a recovery or replay window (until absent: up to now). */
function windowOf(variables: Input): { since: number; until: number } {
  return {
    since: Date.parse(variables.since as string),
    until: variables.until == null ? Infinity : Date.parse(variables.until as string),
  };
}

/** What a result lists of its rows: the first few, oldest first. */
function previewProblems(listed: unknown, expectedIds: string[], what: string): string[] {
  const ids = (asList(listed) ?? []).map((item) => obj(item)?.id);
  return json(ids) === json(expectedIds.slice(0, 10)) ? [] : [`${what} ${short(ids)}, expected the first of ${short(expectedIds)}`];
}

function recoverDeliveries({ variables, result, diff, before }: OracleArgs): string[] {
  const webhookId = variables.webhookId as string;
  const { since, until } = windowOf(variables);
  const dryRun = variables.dryRun === true;
  const problems = onlyChanged(diff, { deliveries: !dryRun });
  if (!before.webhooks.has(webhookId)) problems.push(`recoverDeliveries on ${short(webhookId)}, which the tenant does not have`);
  if (!(since >= Date.now() - 7 * 86_400_000 - 60_000 && since <= Date.now() && until > since))
    problems.push(`accepted window ${short(variables.since)}..${short(variables.until)}`);
  if (diff.deliveries.added.length || diff.deliveries.removed.length) problems.push('deliveries added or removed');
  const due = [...before.deliveries.values()]
    .filter((row) => row.webhook_id === webhookId && row.status === 'FAILED' && row.created_at >= since && row.created_at < until)
    .sort((a, b) => a.id.localeCompare(b.id));
  for (const { before: old, after } of diff.deliveries.changed) {
    if (!due.includes(old) || after.next_trigger !== 'MANUAL' || after.status !== old.status)
      problems.push(`delivery ${after.id} changed: ${short(old)} -> ${short(after)}`);
  }
  if (result.count !== due.length)
    problems.push(`count ${short(result.count)}, but ${due.length} FAILED deliveries were created in the window`);
  if (result.dryRun !== dryRun) problems.push(`dryRun ${short(result.dryRun)} for ${short(variables.dryRun)}`);
  problems.push(
    ...previewProblems(
      result.deliveries,
      due.map((row) => row.id),
      'listed deliveries',
    ),
  );
  return problems;
}

function replayEvents({ variables, result, diff, before }: OracleArgs): string[] {
  const webhookId = variables.webhookId as string;
  const { since, until } = windowOf(variables);
  const dryRun = variables.dryRun === true;
  const problems = onlyChanged(diff, { deliveries: !dryRun });
  const webhook = before.webhooks.get(webhookId);
  if (webhook?.enabled !== 1) return [...problems, `replayEvents to ${short(webhookId)}, which the tenant does not have enabled`];
  if (!(since >= Date.now() - 30 * 86_400_000 - 60_000 && since <= Date.now() && until > since))
    problems.push(`accepted window ${short(variables.since)}..${short(variables.until)}`);
  const delivered = new Set([...before.deliveries.values()].filter((row) => row.webhook_id === webhookId).map((row) => row.event_id));
  const expected = [...before.events.values()]
    .filter((event) => event.created_at >= since && event.created_at < until && event.topic !== 'webhook.test' && !delivered.has(event.id))
    .filter((event) =>
      wants(webhook, { topic: event.topic, payload: JSON.parse(event.payload), channelType: event.channel_type, echo: event.echo === 1 }),
    )
    .map((event) => event.id)
    .sort();
  if (result.count !== expected.length)
    problems.push(`count ${short(result.count)}, but ${expected.length} events in the window match and lack a delivery`);
  if (result.dryRun !== dryRun) problems.push(`dryRun ${short(result.dryRun)} for ${short(variables.dryRun)}`);
  problems.push(...previewProblems(result.events, expected, 'listed events'));
  if (diff.deliveries.changed.length || diff.deliveries.removed.length) problems.push('existing deliveries changed');
  const made = diff.deliveries.added;
  if (!dryRun && json(made.map((row) => row.event_id).sort()) !== json(expected))
    problems.push(`deliveries for events ${short(made.map((row) => row.event_id))}, expected ${short(expected)}`);
  if (made.some((row) => row.webhook_id !== webhookId || row.status !== 'PENDING'))
    problems.push('a new delivery is not a PENDING one to this webhook');
  return problems;
}

function sendTestEvent({ variables, result, diff, before }: OracleArgs): string[] {
  const webhookId = variables.webhookId as string;
  const problems = onlyChanged(diff, { events: true, deliveries: true });
  if (!before.webhooks.has(webhookId)) problems.push(`sendTestEvent to ${short(webhookId)}, which the tenant does not have`);
  const [event] = diff.events.added;
  const [delivery] = diff.deliveries.added;
  if (diff.events.added.length !== 1 || diff.deliveries.added.length !== 1 || diff.deliveries.changed.length || diff.events.changed.length)
    return [...problems, `expected one event and one delivery: ${describeDiff(diff).join('; ')}`];
  if (
    event!.topic !== 'webhook.test' ||
    delivery!.webhook_id !== webhookId ||
    delivery!.event_id !== event!.id ||
    delivery!.next_trigger !== 'TEST'
  )
    problems.push(`test delivery ${short(delivery)} of ${short(event)}`);
  if (obj(result.delivery)?.id !== delivery!.id) problems.push('result names another delivery');
  return problems;
}

function createApiKey({ variables, result, diff }: OracleArgs): string[] {
  const input = obj(variables.input)!;
  const problems = onlyChanged(diff, { apiKeys: true });
  if (diff.apiKeys.added.length !== 1 || diff.apiKeys.changed.length || diff.apiKeys.removed.length)
    return [...problems, `expected one new key: ${describeDiff(diff).join('; ')}`];
  const row = diff.apiKeys.added[0]!;
  problems.push(
    ...mismatches(
      { name: input.name, scopes: json(dedup(asList(input.scopes) as string[])), revoked_at: null },
      row as unknown as Record<string, unknown>,
      'createApiKey stored',
    ),
  );
  const name = input.name as string;
  if (characters(name) > 100 || name.trim() === '') problems.push(`accepted key name ${short(name)}`);
  if (obj(result.apiKey)?.id !== row.id || typeof result.key !== 'string' || !String(result.key).startsWith(row.prefix))
    problems.push('result does not name the stored key');
  return problems;
}

function revokeApiKey({ variables, result, diff, before, ownKeyId }: OracleArgs): string[] {
  const id = variables.id as string;
  const problems = onlyChanged(diff, { apiKeys: true });
  const old = before.apiKeys.get(id);
  if (!old) return [...problems, `revoked ${short(id)}, which the tenant does not have`];
  if (id === ownKeyId) problems.push('a key revoked itself');
  if (obj(result.apiKey)?.id !== id) problems.push('result names another key');
  const changed = diff.apiKeys.changed;
  if (diff.apiKeys.added.length || diff.apiKeys.removed.length || changed.some((change) => change.after.id !== id))
    problems.push(`other keys changed: ${describeDiff(diff).join('; ')}`);
  const row = changed[0]?.after ?? old;
  if (row.revoked_at === null || (old.revoked_at !== null && row.revoked_at !== old.revoked_at))
    problems.push(`revoked_at ${short(old.revoked_at)} -> ${short(row.revoked_at)}`);
  if (json({ ...old, revoked_at: null }) !== json({ ...row, revoked_at: null })) problems.push('revoking changed more than revokedAt');
  return problems;
}

export const oracles: Record<string, (args: OracleArgs) => string[]> = {
  createWebhook,
  updateWebhook,
  deleteWebhook,
  rotateSigningSecret,
  pauseWebhook: pausing(true),
  resumeWebhook: pausing(false),
  publishEvent,
  redeliver,
  redeliverFailed,
  recoverDeliveries,
  replayEvents,
  sendTestEvent,
  createApiKey,
  revokeApiKey,
};

/** How many of the tenant's webhooks `webhooks(filter:)` should count, by the README's definition of each filter. */
export function expectedWebhookCount(rows: WebhookRow[], filter: Record<string, unknown> | null | undefined): number {
  const search = typeof filter?.search === 'string' && filter.search !== '' ? filter.search.toLowerCase() : null;
  const topic = typeof filter?.topic === 'string' && filter.topic !== '' ? filter.topic : null;
  return rows.filter((row) => {
    if (filter?.enabled != null && (row.enabled === 1) !== filter.enabled) return false;
    if (filter?.type != null && row.type !== filter.type) return false;
    if (search !== null && !(row.name ?? '').toLowerCase().includes(search) && !row.url.toLowerCase().includes(search)) return false;
    if (topic !== null && !(JSON.parse(row.topics) as string[]).some((pattern) => pattern === topic || topicMatches(pattern, topic)))
      return false;
    return true;
  }).length;
}
