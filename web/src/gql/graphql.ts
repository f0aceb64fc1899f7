/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ApiKeyScope =
  /** all of the above, and manage API keys */
  | 'ADMIN'
  /** publish events */
  | 'EVENTS_PUBLISH'
  /** read webhooks, events, deliveries; subscribe */
  | 'WEBHOOKS_READ'
  /** read signing secrets */
  | 'WEBHOOKS_SECRETS'
  /** create, update, delete, rotate, redeliver, test */
  | 'WEBHOOKS_WRITE';

export type AttemptOutcome =
  /** the address resolved to a forbidden network (see DESIGN.md) */
  | 'BLOCKED'
  /** refused, reset, DNS, TLS */
  | 'CONNECTION_ERROR'
  /** any other status (redirects are not followed) */
  | 'HTTP_ERROR'
  /** 2xx */
  | 'SUCCEEDED'
  /** no complete answer within the webhook timeoutSeconds */
  | 'TIMED_OUT';

export type AttemptTrigger =
  /** asked for with redeliver, redeliverFailed or recoverDeliveries */
  | 'MANUAL'
  /** the first attempt or a retry on the schedule */
  | 'SCHEDULED'
  /** sent by sendTestEvent */
  | 'TEST';

export type DeliveryStatus =
  /** retries exhausted, or the endpoint was disabled or deleted */
  | 'FAILED'
  /** waiting for its first attempt */
  | 'PENDING'
  /** an attempt failed, another is scheduled */
  | 'RETRYING'
  /** an attempt got a 2xx */
  | 'SUCCEEDED'
  /** behind an earlier delivery of its ordering key to the same webhook that is still open (see waitingFor); nothing is scheduled until that one ends */
  | 'WAITING';

/** What an endpoint asked for with its `webhook-delivery` response header (case-insensitive; other values are ignored). */
export type ReceiverDirective =
  /** `abort-message`: no more retries of this delivery; it ended FAILED unless the attempt succeeded */
  | 'ABORT_MESSAGE'
  /** `disable`: the webhook was disabled, with a reason saying the endpoint asked */
  | 'DISABLE';

export type MonitorViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type MonitorViewerQuery = { viewer: { tenantName: string, scopes: Array<ApiKeyScope> } };

export type MonitorWebhooksQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type MonitorWebhooksQuery = { webhooks: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, name: string | null, url: string, topics: Array<string>, enabled: boolean, disabledReason: string | null, stats: { consecutiveFailures: number, lastAttemptAt: string | null }, day: { attempts: number, succeeded: number, p50DurationMs: number | null, p99DurationMs: number | null } }> } };

export type MonitorActivityQueryVariables = Exact<{
  id: string | number;
}>;


export type MonitorActivityQuery = { webhook: { id: string, activity: { since: string, minutes: Array<{ minute: string, attempts: number, succeeded: number, httpError: number, timedOut: number, connectionError: number, blocked: number, avgDurationMs: number, maxDurationMs: number }> } } | null };

export type MonitorDeliveryQueryVariables = Exact<{
  id: string | number;
}>;


export type MonitorDeliveryQuery = { delivery: { id: string, status: DeliveryStatus, attemptCount: number, createdAt: string, webhookId: string, orderingKey: string | null, waitingFor: { id: string, status: DeliveryStatus } | null, webhook: { id: string, name: string | null, url: string } | null, event: { id: string, topic: string, payload: unknown, createdAt: string }, attempts: Array<{ id: string, attemptNumber: number, trigger: AttemptTrigger, outcome: AttemptOutcome, url: string, responseStatus: number | null, receiverDirective: ReceiverDirective | null, responseBody: string | null, error: string | null, durationMs: number, startedAt: string, requestHeaders: Array<{ name: string, value: string }> | null }> } | null };

export type MonitorSetEnabledMutationVariables = Exact<{
  id: string | number;
  enabled: boolean;
}>;


export type MonitorSetEnabledMutation = { updateWebhook:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'ForbiddenError', message: string, requiredScope: ApiKeyScope }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RateLimitedError', message: string }
    | { __typename: 'UpdateWebhookSuccess' }
    | { __typename: 'ValidationError', message: string }
   };

export type MonitorSendTestMutationVariables = Exact<{
  id: string | number;
}>;


export type MonitorSendTestMutation = { sendTestEvent:
    | { __typename: 'ForbiddenError', message: string, requiredScope: ApiKeyScope }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RateLimitedError', message: string }
    | { __typename: 'SendTestEventSuccess' }
   };

export type MonitorRedeliverMutationVariables = Exact<{
  id: string | number;
}>;


export type MonitorRedeliverMutation = { redeliver:
    | { __typename: 'ForbiddenError', message: string, requiredScope: ApiKeyScope }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RateLimitedError', message: string }
    | { __typename: 'RedeliverSuccess' }
    | { __typename: 'ValidationError', message: string }
   };

export type MonitorRecoverDeliveriesMutationVariables = Exact<{
  id: string | number;
  since: string;
  until: string;
  dryRun: boolean;
}>;


export type MonitorRecoverDeliveriesMutation = { recoverDeliveries:
    | { __typename: 'ForbiddenError', message: string, requiredScope: ApiKeyScope }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'RateLimitedError', message: string }
    | { __typename: 'RecoverDeliveriesSuccess', count: number }
    | { __typename: 'ValidationError', message: string }
   };

export type MonitorAttemptsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type MonitorAttemptsSubscription = { deliveryAttempts: { id: string, webhookId: string, eventId: string, trigger: AttemptTrigger, outcome: AttemptOutcome, responseStatus: number | null, durationMs: number, startedAt: string, attemptNumber: number, delivery: { id: string } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const MonitorViewerDocument = new TypedDocumentString(`
    query MonitorViewer {
  viewer {
    tenantName
    scopes
  }
}
    `) as unknown as TypedDocumentString<MonitorViewerQuery, MonitorViewerQueryVariables>;
export const MonitorWebhooksDocument = new TypedDocumentString(`
    query MonitorWebhooks($after: String) {
  webhooks(first: 25, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      name
      url
      topics
      enabled
      disabledReason
      stats {
        consecutiveFailures
        lastAttemptAt
      }
      day: activity(minutes: 1440) {
        attempts
        succeeded
        p50DurationMs
        p99DurationMs
      }
    }
  }
}
    `) as unknown as TypedDocumentString<MonitorWebhooksQuery, MonitorWebhooksQueryVariables>;
export const MonitorActivityDocument = new TypedDocumentString(`
    query MonitorActivity($id: ID!) {
  webhook(id: $id) {
    id
    activity(minutes: 60) {
      since
      minutes {
        minute
        attempts
        succeeded
        httpError
        timedOut
        connectionError
        blocked
        avgDurationMs
        maxDurationMs
      }
    }
  }
}
    `) as unknown as TypedDocumentString<MonitorActivityQuery, MonitorActivityQueryVariables>;
export const MonitorDeliveryDocument = new TypedDocumentString(`
    query MonitorDelivery($id: ID!) {
  delivery(id: $id) {
    id
    status
    attemptCount
    createdAt
    webhookId
    orderingKey
    waitingFor {
      id
      status
    }
    webhook {
      id
      name
      url
    }
    event {
      id
      topic
      payload
      createdAt
    }
    attempts {
      id
      attemptNumber
      trigger
      outcome
      url
      requestHeaders {
        name
        value
      }
      responseStatus
      receiverDirective
      responseBody
      error
      durationMs
      startedAt
    }
  }
}
    `) as unknown as TypedDocumentString<MonitorDeliveryQuery, MonitorDeliveryQueryVariables>;
export const MonitorSetEnabledDocument = new TypedDocumentString(`
    mutation MonitorSetEnabled($id: ID!, $enabled: Boolean!) {
  updateWebhook(id: $id, input: {enabled: $enabled}) {
    __typename
    ... on Error {
      message
    }
    ... on ForbiddenError {
      requiredScope
    }
  }
}
    `) as unknown as TypedDocumentString<MonitorSetEnabledMutation, MonitorSetEnabledMutationVariables>;
export const MonitorSendTestDocument = new TypedDocumentString(`
    mutation MonitorSendTest($id: ID!) {
  sendTestEvent(webhookId: $id) {
    __typename
    ... on Error {
      message
    }
    ... on ForbiddenError {
      requiredScope
    }
  }
}
    `) as unknown as TypedDocumentString<MonitorSendTestMutation, MonitorSendTestMutationVariables>;
export const MonitorRedeliverDocument = new TypedDocumentString(`
    mutation MonitorRedeliver($id: ID!) {
  redeliver(deliveryId: $id) {
    __typename
    ... on Error {
      message
    }
    ... on ForbiddenError {
      requiredScope
    }
  }
}
    `) as unknown as TypedDocumentString<MonitorRedeliverMutation, MonitorRedeliverMutationVariables>;
export const MonitorRecoverDeliveriesDocument = new TypedDocumentString(`
    mutation MonitorRecoverDeliveries($id: ID!, $since: DateTime!, $until: DateTime!, $dryRun: Boolean!) {
  recoverDeliveries(webhookId: $id, since: $since, until: $until, dryRun: $dryRun) {
    __typename
    ... on RecoverDeliveriesSuccess {
      count
    }
    ... on Error {
      message
    }
    ... on ForbiddenError {
      requiredScope
    }
  }
}
    `) as unknown as TypedDocumentString<MonitorRecoverDeliveriesMutation, MonitorRecoverDeliveriesMutationVariables>;
export const MonitorAttemptsDocument = new TypedDocumentString(`
    subscription MonitorAttempts {
  deliveryAttempts {
    id
    webhookId
    eventId
    trigger
    outcome
    responseStatus
    durationMs
    startedAt
    attemptNumber
    delivery {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<MonitorAttemptsSubscription, MonitorAttemptsSubscriptionVariables>;