import { ConflictError, NotFoundError, ValidationError, type ConflictReason } from '../domain/errors.ts';
import { inputLimits as limits, rangeText } from '../domain/limits.ts';
import {
  backoffStrategies,
  type webhookTypes,
  type RetryPolicy,
  type WebengageSettings,
  type Webhook,
  type WebhookConfiguration,
} from '../domain/webhook.ts';
import { builder } from './builder.ts';
import { ErrorInterface, resultUnion } from './errors.ts';
import { pageArgsSchema, shownCount, toConnection } from './pagination.ts';
import { COUNT_CAP } from '../store/capped-count.ts';
import { openId, readableWith, signingSecretScopes } from './read-scopes.ts';

export const WebhookTypeEnum = builder.enumType('WebhookType', {
  description: 'How requests to the endpoint are shaped.',
  values: {
    CUSTOM: { description: "The tenant's own endpoint: Standard Webhooks envelope, signed." },
    ZAPIER: {},
    WEBENGAGE: { description: 'Requires configuration.webengage; delivered to its webhookUrl with its token.' },
    INTEGROMAT_MAKE: {},
  } satisfies Record<(typeof webhookTypes)[number], object>,
});

export const BackoffStrategyEnum = builder.enumType('BackoffStrategy', { values: backoffStrategies });

export const HttpHeaderRef = builder.simpleObject('HttpHeader', {
  authScopes: readableWith('HttpHeader'),
  fields: (t) => ({ name: t.string(), value: t.string() }),
});

const RetryPolicyRef = builder.objectRef<RetryPolicy>('RetryPolicy').implement({
  authScopes: readableWith('RetryPolicy'),
  fields: (t) => ({
    maxRetries: t.exposeInt('maxRetries', { description: `Retries after the first attempt, ${rangeText(limits.maxRetries)}.` }),
    backoffSeconds: t.exposeInt('backoffSeconds', {
      description: `Base delay between attempts, ${rangeText(limits.backoffSeconds)} seconds.`,
    }),
    strategy: t.field({ type: BackoffStrategyEnum, resolve: (policy) => policy.strategy }),
  }),
});

const PayloadFilterRef = builder.simpleObject('PayloadFilter', {
  description:
    "Delivers an event only when every filter matches: the event payload's value at `field` (a dot path) matches `expression`, a glob where * is any run of characters.",
  authScopes: readableWith('PayloadFilter'),
  fields: (t) => ({ field: t.string(), expression: t.string() }),
});

const WebengageConfigurationRef = builder.objectRef<WebengageSettings>('WebengageConfiguration').implement({
  authScopes: readableWith('WebengageConfiguration'),
  fields: (t) => ({
    webhookUrl: t.field({ type: 'URL', resolve: (settings) => settings.webhookUrl }),
    hasToken: t.boolean({ description: 'The token itself is write-only.', resolve: (settings) => settings.token !== null }),
  }),
});

const WebhookConfigurationRef = builder.objectRef<WebhookConfiguration>('WebhookConfiguration').implement({
  authScopes: readableWith('WebhookConfiguration'),
  fields: (t) => ({
    echo: t.exposeBoolean('echo', { description: 'Deliver echo events too (events the tenant itself caused).' }),
    channelTypes: t.exposeStringList('channelTypes', {
      description: 'Only events from these channels (e.g. whatsapp); empty = all channels.',
    }),
    filters: t.field({ type: [PayloadFilterRef], resolve: (configuration) => configuration.filters }),
    webengage: t.field({ type: WebengageConfigurationRef, nullable: true, resolve: (configuration) => configuration.webengage }),
  }),
});

export const WebhookNode = builder.loadableNode('Webhook', {
  authScopes: readableWith('Webhook'),
  id: { resolve: (webhook: Webhook) => webhook.id, ...openId },
  load: (ids: string[], context) => context.repos.webhooks.findByIds(context.principal.tenantId, ids),
  sort: (webhook) => webhook.id,
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true }),
    url: t.field({ type: 'URL', resolve: (webhook) => webhook.url }),
    type: t.field({ type: WebhookTypeEnum, resolve: (webhook) => webhook.type }),
    topics: t.exposeStringList('topics', {
      description: 'Event types delivered; a trailing .* or a lone * subscribes to a family or to all.',
    }),
    enabled: t.exposeBoolean('enabled'),
    pausedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Set while the webhook is paused (pauseWebhook): its deliveries are accepted and held, not sent, until resumeWebhook.',
      resolve: (webhook) => webhook.pausedAt,
    }),
    held: t.field({
      type: HeldDeliveriesRef,
      nullable: true,
      description: 'While paused: the deliveries held and the oldest of them; null when not paused.',
      resolve: (webhook, _args, context) =>
        webhook.pausedAt === null ? null : context.repos.deliveries.heldBy(context.principal.tenantId, webhook.id),
    }),
    disabledReason: t.exposeString('disabledReason', {
      nullable: true,
      description: 'Why deliveries stopped, when the gateway disabled the endpoint itself (e.g. after repeated failures).',
    }),
    headers: t.field({ type: [HttpHeaderRef], resolve: (webhook) => webhook.headers }),
    hasBearerToken: t.boolean({ resolve: (webhook) => webhook.bearerToken !== null }),
    timeoutSeconds: t.exposeInt('timeoutSeconds', {
      description: `Seconds to wait for the endpoint's response, ${rangeText(limits.timeoutSeconds)}.`,
    }),
    rateLimitPerSecond: t.exposeInt('rateLimitPerSecond', { nullable: true, description: RATE_LIMIT_DESCRIPTION }),
    retryPolicy: t.field({ type: RetryPolicyRef, resolve: (webhook) => webhook.retryPolicy }),
    configuration: t.field({ type: WebhookConfigurationRef, resolve: (webhook) => webhook.configuration }),
    signingSecret: t.string({
      description: 'The Standard Webhooks signing secret (whsec_…). Needs the webhooks:secrets scope.',
      authScopes: signingSecretScopes,
      resolve: (webhook) => webhook.signingSecret,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (webhook) => webhook.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (webhook) => webhook.updatedAt }),
  }),
});

const WebhookFilterInput = builder.inputType('WebhookFilter', {
  fields: (t) => ({
    topic: t.string({ description: 'Webhooks that would receive this event type (or hold this pattern).' }),
    enabled: t.boolean(),
    type: t.field({ type: WebhookTypeEnum }),
    search: t.string({ description: 'Case-insensitive substring of name or url.' }),
  }),
});

const HttpHeaderInput = builder.inputType('HttpHeaderInput', {
  fields: (t) => ({ name: t.string({ required: true }), value: t.string({ required: true }) }),
});

const RetryPolicyInput = builder.inputType('RetryPolicyInput', {
  fields: (t) => ({
    maxRetries: t.int(),
    backoffSeconds: t.int(),
    strategy: t.field({ type: BackoffStrategyEnum }),
  }),
});

const PayloadFilterInput = builder.inputType('PayloadFilterInput', {
  fields: (t) => ({ field: t.string({ required: true }), expression: t.string({ required: true }) }),
});

const WebengageConfigurationInput = builder.inputType('WebengageConfigurationInput', {
  fields: (t) => ({
    webhookUrl: t.field({ type: 'URL' }),
    token: t.string({ description: 'Write-only; null clears it.' }),
  }),
});

const WebhookConfigurationInput = builder.inputType('WebhookConfigurationInput', {
  fields: (t) => ({
    echo: t.boolean(),
    channelTypes: t.stringList(),
    filters: t.field({ type: [PayloadFilterInput] }),
    webengage: t.field({ type: WebengageConfigurationInput }),
  }),
});

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  fields: (t) => ({
    url: t.field({ type: 'URL', required: true }),
    topics: t.stringList({ required: true }),
    type: t.field({ type: WebhookTypeEnum, description: 'Defaults to CUSTOM.' }),
    name: t.string({ description: `${rangeText(limits.webhookNameLength)} characters.` }),
    enabled: t.boolean({ description: 'Defaults to true.' }),
    headers: t.field({ type: [HttpHeaderInput] }),
    bearerToken: t.string({
      description: `Sent as Authorization: Bearer …; at most ${limits.bearerTokenLength.max.toLocaleString('en')} characters; write-only.`,
    }),
    timeoutSeconds: t.int(),
    rateLimitPerSecond: t.int({ description: RATE_LIMIT_DESCRIPTION }),
    retryPolicy: t.field({ type: RetryPolicyInput }),
    configuration: t.field({ type: WebhookConfigurationInput }),
    signingSecret: t.string({
      description: `whsec_ + base64 of ${rangeText(limits.signingSecretBytes)} random bytes; generated when absent.`,
    }),
  }),
});

const UpdateWebhookInput = builder.inputType('UpdateWebhookInput', {
  description:
    'Absent = keep. null = clear (name, headers, bearerToken, rateLimitPerSecond, configuration.webengage). null on url, topics, type, enabled, timeoutSeconds, retryPolicy, configuration = ValidationError. Nested inputs merge field by field: only what is given changes.',
  fields: (t) => ({
    url: t.field({ type: 'URL' }),
    topics: t.stringList(),
    type: t.field({ type: WebhookTypeEnum }),
    name: t.string(),
    enabled: t.boolean(),
    headers: t.field({ type: [HttpHeaderInput] }),
    bearerToken: t.string(),
    timeoutSeconds: t.int(),
    rateLimitPerSecond: t.int({ description: RATE_LIMIT_DESCRIPTION }),
    retryPolicy: t.field({ type: RetryPolicyInput }),
    configuration: t.field({ type: WebhookConfigurationInput }),
  }),
});

const ConflictReasonEnum = builder.enumType('ConflictReason', {
  values: {
    TOPIC_AT_URL: {
      description: 'Another webhook of this tenant already delivers one of these topics to the same URL; existingWebhook is that one.',
    },
    CHANGED_SINCE: {
      description:
        'updateWebhook with expectedUpdatedAt: the webhook changed since; existingWebhook is it as it now stands, and nothing was written.',
    },
  } satisfies Record<ConflictReason, object>,
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description:
    'Another webhook of this tenant already delivers one of these topics to the same URL, or (reason CHANGED_SINCE) the webhook changed after the expectedUpdatedAt of an update.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    existingWebhook: t.field({ type: WebhookNode, resolve: (error) => error.existingWebhookId }),
    reason: t.field({ type: ConflictReasonEnum, resolve: (error) => error.reason }),
  }),
});

export const WebhookConnection = builder.connectionObject({ type: WebhookNode, name: 'WebhookConnection' }, { name: 'WebhookEdge' });

builder.queryFields((t) => ({
  webhook: t.field({
    type: WebhookNode,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { scope: 'WEBHOOKS_READ' },
    resolve: async (_root, { id }, context) => (await context.repos.webhooks.findById(context.principal.tenantId, id)) ?? null,
  }),
  webhooks: t.connection(
    {
      type: WebhookNode,
      args: { filter: t.arg({ type: WebhookFilterInput }) },
      authScopes: { scope: 'WEBHOOKS_READ' },
      validate: pageArgsSchema,
      resolve: async (_root, args, context) => {
        const tenantId = context.principal.tenantId;
        const filter = args.filter ?? {};
        const page = await context.repos.webhooks.page(tenantId, filter, args);
        return toConnection(page, () => context.repos.webhooks.count(tenantId, filter));
      },
    },
    WebhookConnection,
  ),
}));

const HeldDeliveriesRef = builder.objectRef<{ count: number; oldestAt: number | null }>('HeldDeliveries').implement({
  description: `What a paused webhook holds. Past PAUSE_MAX_HELD deliveries or PAUSE_MAX_HELD_HOURS of age the oldest fail, with Delivery.failureReason saying which.`,
  authScopes: readableWith('HeldDeliveries'),
  fields: (t) => ({
    count: t.int({
      description: `Held deliveries, counted up to ${COUNT_CAP.toLocaleString('en')}: when there are more, this is ${COUNT_CAP.toLocaleString('en')} and countCapped is true.`,
      resolve: (held) => shownCount(held.count).count,
    }),
    countCapped: t.boolean({
      description: `True when counting stopped at ${COUNT_CAP.toLocaleString('en')}: at least count deliveries are held.`,
      resolve: (held) => shownCount(held.count).capped,
    }),
    oldestAt: t.field({ type: 'DateTime', nullable: true, resolve: (held) => held.oldestAt }),
  }),
});

const PauseWebhookSuccess = builder.objectRef<{ webhook: Webhook }>('PauseWebhookSuccess').implement({
  fields: (t) => ({ webhook: t.field({ type: WebhookNode, resolve: (result) => result.webhook }) }),
});

const RATE_LIMIT_DESCRIPTION = `Attempts per second this endpoint gets at most, ${rangeText(limits.rateLimitPerSecond)}, over every worker and instance; deliveries beyond it wait (they are not failed). null: no cap.`;

const CreateWebhookSuccess = builder.objectRef<{ webhook: Webhook }>('CreateWebhookSuccess').implement({
  fields: (t) => ({
    webhook: t.field({ type: WebhookNode, resolve: (result) => result.webhook }),
    signingSecret: t.string({
      description: 'Shown once here, and later only through Webhook.signingSecret.',
      resolve: (result) => result.webhook.signingSecret,
    }),
  }),
});

const UpdateWebhookSuccess = builder.objectRef<{ webhook: Webhook }>('UpdateWebhookSuccess').implement({
  fields: (t) => ({ webhook: t.field({ type: WebhookNode, resolve: (result) => result.webhook }) }),
});

const DeleteWebhookSuccess = builder.objectRef<{ deletedWebhookId: string }>('DeleteWebhookSuccess').implement({
  fields: (t) => ({ deletedWebhookId: t.exposeID('deletedWebhookId') }),
});

const RotateSigningSecretSuccess = builder.objectRef<{ webhook: Webhook }>('RotateSigningSecretSuccess').implement({
  fields: (t) => ({
    webhook: t.field({ type: WebhookNode, resolve: (result) => result.webhook }),
    signingSecret: t.string({ resolve: (result) => result.webhook.signingSecret }),
    previousSecretExpiresAt: t.field({
      type: 'DateTime',
      description: 'Until then deliveries carry signatures by both the old and the new secret.',
      resolve: (result) => result.webhook.previousSecretExpiresAt ?? result.webhook.updatedAt,
    }),
  }),
});

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookSuccess,
    args: { input: t.arg({ type: CreateWebhookInput, required: true }) },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('CreateWebhookResult', [ValidationError, ConflictError]),
    resolve: async (_root, { input }, context) => ({
      webhook: await context.services.webhooks.create(context.principal.tenantId, input),
    }),
  }),
  updateWebhook: t.field({
    type: UpdateWebhookSuccess,
    description:
      'Changes what input gives. With expectedUpdatedAt, only if the webhook is still at that version: otherwise a ConflictError (reason CHANGED_SINCE) with the webhook as it now stands, and nothing written.',
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateWebhookInput, required: true }),
      expectedUpdatedAt: t.arg({
        type: 'DateTime',
        description: 'The updatedAt the caller read; absent: update whatever the current version.',
      }),
    },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('UpdateWebhookResult', [ValidationError, NotFoundError, ConflictError]),
    resolve: async (_root, { id, input, expectedUpdatedAt }, context) => ({
      webhook: await context.services.webhooks.update(context.principal.tenantId, id, input, expectedUpdatedAt),
    }),
  }),
  deleteWebhook: t.field({
    type: DeleteWebhookSuccess,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('DeleteWebhookResult', [NotFoundError]),
    resolve: async (_root, { id }, context) => {
      await context.services.webhooks.remove(context.principal.tenantId, id);
      return { deletedWebhookId: id };
    },
  }),
  rotateSigningSecret: t.field({
    type: RotateSigningSecretSuccess,
    args: {
      id: t.arg.id({ required: true }),
      overlapSeconds: t.arg.int({
        description: `Seconds the old secret keeps signing, ${rangeText(limits.secretOverlapSeconds)}; default ${limits.secretOverlapSeconds.default}.`,
      }),
      signingSecret: t.arg.string({
        description: `The new secret, when the caller brings its own (e.g. the one its receivers already verify with): whsec_ + base64 of ${rangeText(limits.signingSecretBytes)} random bytes, as at create; generated when absent. Never echoed in errors or logs.`,
      }),
    },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('RotateSigningSecretResult', [NotFoundError, ValidationError]),
    resolve: async (_root, { id, overlapSeconds, signingSecret }, context) => ({
      webhook: await context.services.webhooks.rotateSecret(context.principal.tenantId, id, overlapSeconds, signingSecret),
    }),
  }),
  pauseWebhook: t.field({
    type: PauseWebhookSuccess,
    description:
      "Holds the webhook's deliveries, new ones included, without failing them; unlike disabling. Pausing a paused webhook changes nothing.",
    args: { id: t.arg.id({ required: true }) },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('PauseWebhookResult', [NotFoundError]),
    resolve: async (_root, { id }, context) => ({ webhook: await context.services.webhooks.pause(context.principal.tenantId, id) }),
  }),
  resumeWebhook: t.field({
    type: PauseWebhookSuccess,
    description: 'Sends what the paused webhook held, in publish order (up to its concurrency at once), and what comes after.',
    args: { id: t.arg.id({ required: true }) },
    authScopes: { scope: 'WEBHOOKS_WRITE' },
    errors: resultUnion('ResumeWebhookResult', [NotFoundError]),
    resolve: async (_root, { id }, context) => ({ webhook: await context.services.webhooks.resume(context.principal.tenantId, id) }),
  }),
}));
