import type { ApiKeyScope } from './scopes.ts';

/*
 * Expected failures, as values. Services throw or return these; the GraphQL layer registers each
 * class as an object type implementing the `Error` interface so they arrive as union members.
 * Messages never carry secrets or input values that could be secrets.
 */

export type ErrorCode = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'RATE_LIMITED' | 'QUOTA_EXCEEDED';

export abstract class GatewayError extends Error {
  abstract readonly code: ErrorCode;
}

export type FieldError = { path: string[]; message: string };

export class ValidationError extends GatewayError {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly fieldErrors: FieldError[]) {
    super(
      fieldErrors.length === 1
        ? `Invalid input at ${fieldErrors[0]!.path.join('.')}: ${fieldErrors[0]!.message}`
        : `Invalid input: ${fieldErrors.length} fields failed validation`,
    );
    this.name = 'ValidationError';
  }

  static at(path: string[], message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

export class NotFoundError extends GatewayError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly id: string,
    what = 'Object',
  ) {
    super(`${what} ${id} was not found`);
    this.name = 'NotFoundError';
  }
}

/** Why a write conflicts: another webhook holds one of the topics at this URL, or the webhook changed since the caller read it. */
export type ConflictReason = 'TOPIC_AT_URL' | 'CHANGED_SINCE';

export class ConflictError extends GatewayError {
  readonly code = 'CONFLICT';
  constructor(
    readonly existingWebhookId: string,
    readonly reason: ConflictReason,
    message: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }

  static topicAtUrl(existingWebhookId: string, topic: string): ConflictError {
    return new ConflictError(existingWebhookId, 'TOPIC_AT_URL', `Webhook ${existingWebhookId} already delivers ${topic} to this URL`);
  }

  /** An update based on a version older than the stored one: the caller reads the webhook again and decides. */
  static changedSince(webhookId: string): ConflictError {
    return new ConflictError(
      webhookId,
      'CHANGED_SINCE',
      `Webhook ${webhookId} changed after expectedUpdatedAt; read it again before updating`,
    );
  }
}

export class ForbiddenError extends GatewayError {
  readonly code = 'FORBIDDEN';
  constructor(readonly requiredScope: ApiKeyScope) {
    super(`This API key lacks the ${requiredScope} scope`);
    this.name = 'ForbiddenError';
  }
}

export class RateLimitedError extends GatewayError {
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; retry after ${retryAfterSeconds} s`);
    this.name = 'RateLimitedError';
  }
}

/** A publish that would take the tenant's stored events past its storage quota (STORAGE_BYTES_PER_TENANT); it stored nothing. */
export class StorageQuotaExceededError extends GatewayError {
  readonly code = 'QUOTA_EXCEEDED';
  constructor(
    readonly limitBytes: number,
    readonly usedBytes: number,
  ) {
    super(
      `This event would take the tenant's stored events past its quota of ${limitBytes} bytes (${usedBytes} used); nothing was stored. Space comes back as old events are pruned.`,
    );
    this.name = 'StorageQuotaExceededError';
  }
}
