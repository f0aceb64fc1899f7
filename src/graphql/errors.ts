import {
  ForbiddenError,
  type GatewayError,
  NotFoundError,
  RateLimitedError,
  StorageQuotaExceededError,
  ValidationError,
} from '../domain/errors.ts';
import { builder } from './builder.ts';
import { ApiKeyScopeEnum } from './api-key-scope.ts';

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  values: {
    VALIDATION_FAILED: { description: '400 in the seed APIs' },
    NOT_FOUND: { description: '404' },
    CONFLICT: { description: '409' },
    FORBIDDEN: { description: 'the API key lacks the scope' },
    RATE_LIMITED: {},
    QUOTA_EXCEEDED: { description: "the tenant's stored events are at their storage quota (StorageQuotaExceededError)" },
  } as const,
});

export const ErrorInterface = builder.interfaceRef<GatewayError>('Error').implement({
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.field({ type: ErrorCodeEnum, resolve: (error) => error.code }),
  }),
});

const FieldErrorRef = builder.simpleObject('FieldError', {
  fields: (t) => ({
    path: t.stringList({ description: 'Path of the offending input field, e.g. ["input", "retryPolicy", "maxRetries"].' }),
    message: t.string(),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ fieldErrors: t.field({ type: [FieldErrorRef], resolve: (error) => error.fieldErrors }) }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ id: t.exposeID('id') }),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ requiredScope: t.field({ type: ApiKeyScopeEnum, resolve: (error) => error.requiredScope }) }),
});

builder.objectType(RateLimitedError, {
  name: 'RateLimitedError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ retryAfterSeconds: t.exposeInt('retryAfterSeconds') }),
});

builder.objectType(StorageQuotaExceededError, {
  name: 'StorageQuotaExceededError',
  description:
    "The write would take the tenant's stored events past its storage quota (STORAGE_BYTES_PER_TENANT); it stored nothing. Space comes back as events are pruned (Viewer.storage shows it).",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    limitBytes: t.exposeFloat('limitBytes', { description: 'The quota, in bytes.' }),
    usedBytes: t.exposeFloat('usedBytes', { description: "What the tenant's stored events take, in bytes, when the write was refused." }),
  }),
});

/**
 * The `errors` option of a mutation: a union named as in the contract, the success type first,
 * then the field's own errors, then the two every mutation can meet (scope and rate).
 */
export function resultUnion(name: string, types: readonly (new (...args: never[]) => GatewayError)[]) {
  return { types: [...types, ForbiddenError, RateLimitedError], directResult: true as const, union: { name } };
}
