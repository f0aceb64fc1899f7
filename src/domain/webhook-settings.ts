import type { FieldError } from './errors.ts';
import type { WebhookConfiguration, WebhookSettings } from '../domain/webhook.ts';
import { webhookDefaults, type ParsedCreateWebhookInput, type ParsedUpdateWebhookInput } from './webhook-rules.ts';

type ConfigurationInput = NonNullable<ParsedCreateWebhookInput['configuration']>;

function mergeConfiguration(base: WebhookConfiguration, input: ConfigurationInput): WebhookConfiguration {
  let webengage = base.webengage;
  if (input.webengage === null) webengage = null;
  else if (input.webengage) {
    const webhookUrl = input.webengage.webhookUrl ?? base.webengage?.webhookUrl;
    const token = input.webengage.token === undefined ? (base.webengage?.token ?? null) : input.webengage.token;
    // A missing URL is reported by settingsProblems; keep the shape so the rest can be checked too.
    webengage = { webhookUrl: webhookUrl ?? '', token };
  }
  return {
    echo: input.echo ?? base.echo,
    channelTypes: input.channelTypes ?? base.channelTypes,
    filters: input.filters ?? base.filters,
    webengage,
  };
}

const defaultConfiguration: WebhookConfiguration = {
  echo: webhookDefaults.configuration.echo,
  channelTypes: [],
  filters: [],
  webengage: null,
};

export function settingsFromCreate(input: ParsedCreateWebhookInput): WebhookSettings {
  const retry = input.retryPolicy ?? {};
  return {
    name: input.name ?? null,
    url: input.url,
    type: input.type ?? webhookDefaults.type,
    topics: input.topics,
    enabled: input.enabled ?? webhookDefaults.enabled,
    headers: input.headers ?? [],
    bearerToken: input.bearerToken ?? null,
    timeoutSeconds: input.timeoutSeconds ?? webhookDefaults.timeoutSeconds,
    rateLimitPerSecond: input.rateLimitPerSecond ?? null,
    retryPolicy: {
      maxRetries: retry.maxRetries ?? webhookDefaults.retryPolicy.maxRetries,
      backoffSeconds: retry.backoffSeconds ?? webhookDefaults.retryPolicy.backoffSeconds,
      strategy: retry.strategy ?? webhookDefaults.retryPolicy.strategy,
    },
    configuration: input.configuration ? mergeConfiguration(defaultConfiguration, input.configuration) : defaultConfiguration,
  };
}

/** Absent keeps, null clears (where allowed: the parse has already refused the rest). */
export function mergeUpdate(current: WebhookSettings, input: ParsedUpdateWebhookInput): WebhookSettings {
  const keep = <T>(value: T | undefined, base: T): T => (value === undefined ? base : value);
  return {
    name: keep(input.name, current.name),
    url: input.url ?? current.url,
    type: input.type ?? current.type,
    topics: input.topics ?? current.topics,
    enabled: input.enabled ?? current.enabled,
    headers: keep(input.headers, current.headers) ?? [],
    bearerToken: keep(input.bearerToken, current.bearerToken),
    timeoutSeconds: input.timeoutSeconds ?? current.timeoutSeconds,
    rateLimitPerSecond: keep(input.rateLimitPerSecond, current.rateLimitPerSecond),
    retryPolicy: {
      maxRetries: input.retryPolicy?.maxRetries ?? current.retryPolicy.maxRetries,
      backoffSeconds: input.retryPolicy?.backoffSeconds ?? current.retryPolicy.backoffSeconds,
      strategy: input.retryPolicy?.strategy ?? current.retryPolicy.strategy,
    },
    configuration: input.configuration ? mergeConfiguration(current.configuration, input.configuration) : current.configuration,
  };
}

/** Rules that concern several fields at once, judged on the state the mutation would leave. */
export function settingsProblems(settings: WebhookSettings): FieldError[] {
  const problems: FieldError[] = [];
  const webengage = settings.configuration.webengage;
  if (settings.type === 'WEBENGAGE' && !webengage) {
    problems.push({ path: ['input', 'configuration', 'webengage'], message: 'is required when type is WEBENGAGE' });
  }
  if (webengage && !webengage.webhookUrl) {
    problems.push({ path: ['input', 'configuration', 'webengage', 'webhookUrl'], message: 'is required' });
  }
  // The gateway sends `Authorization: Bearer` for a bearer token (a WEBENGAGE webhook's token
  // when it has one): a custom Authorization header would be silently replaced.
  const sendsBearer = Boolean(settings.bearerToken) || (settings.type === 'WEBENGAGE' && Boolean(webengage?.token));
  const authorization = settings.headers.findIndex((header) => header.name.toLowerCase() === 'authorization');
  if (sendsBearer && authorization >= 0) {
    problems.push({
      path: ['input', 'headers', String(authorization), 'name'],
      message: 'must not be Authorization when a bearer token is set',
    });
  }
  return problems;
}
