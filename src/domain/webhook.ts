import type { PayloadFilter } from './topic-routing.ts';

/* A webhook as the gateway knows it: what a tenant sets, and what the gateway keeps beside it. */

export const webhookTypes = ['CUSTOM', 'ZAPIER', 'WEBENGAGE', 'INTEGROMAT_MAKE'] as const;
export type WebhookType = (typeof webhookTypes)[number];
export const backoffStrategies = ['EXPONENTIAL', 'LINEAR', 'FIXED'] as const;
export type BackoffStrategy = (typeof backoffStrategies)[number];

export type HttpHeader = { name: string; value: string };
export type RetryPolicy = { maxRetries: number; backoffSeconds: number; strategy: BackoffStrategy };
export type WebengageSettings = { webhookUrl: string; token: string | null };
export type WebhookConfiguration = {
  echo: boolean;
  channelTypes: string[];
  filters: PayloadFilter[];
  webengage: WebengageSettings | null;
};

/** What a tenant sets on a webhook: the whole writable state, after defaults. */
export type WebhookSettings = {
  name: string | null;
  url: string;
  type: WebhookType;
  topics: string[];
  enabled: boolean;
  headers: HttpHeader[];
  bearerToken: string | null;
  timeoutSeconds: number;
  retryPolicy: RetryPolicy;
  configuration: WebhookConfiguration;
  /** Attempts per second this endpoint gets at most, over every worker and instance; null: no cap. */
  rateLimitPerSecond: number | null;
};

export type Webhook = WebhookSettings & {
  id: string;
  tenantId: string;
  disabledReason: string | null;
  signingSecret: string;
  previousSigningSecret: string | null;
  previousSecretExpiresAt: number | null;
  consecutiveFailures: number;
  /** When it was paused, while it is: deliveries are accepted and held until it is resumed. */
  pausedAt: number | null;
  createdAt: number;
  updatedAt: number;
};
