import { graphql } from '../gql/index.ts';

export const PublishEvent = graphql(`
  mutation PublishEvent($input: PublishEventInput!) {
    publishEvent(input: $input) {
      __typename
      ... on PublishEventSuccess { deliveryCount event { id topic createdAt deliveries { id webhookId status } } }
      ... on ValidationError { fieldErrors { path message } }
      ... on ForbiddenError { requiredScope }
    }
  }
`);

export const DeliveryAttemptFields = graphql(`
  fragment DeliveryAttemptFields on DeliveryAttempt {
    id
    attemptNumber
    trigger
    outcome
    url
    responseStatus
    responseBody
    error
    durationMs
    startedAt
    finishedAt
    nextAttemptAt
    webhookId
    eventId
  }
`);

export const GetDelivery = graphql(`
  query GetDelivery($id: ID!) {
    delivery(id: $id) {
      id
      status
      attemptCount
      nextAttemptAt
      failureReason
      webhookId
      webhook { id }
      event { id topic }
      attempts { ...DeliveryAttemptFields }
    }
  }
`);

export const WebhookDeliveries = graphql(`
  query WebhookDeliveries($id: ID!, $status: DeliveryStatus) {
    webhook(id: $id) {
      id
      enabled
      disabledReason
      deliveries(first: 100, status: $status) { totalCount nodes { id status attemptCount } }
      stats { attempts succeeded failed consecutiveFailures lastAttemptAt p50DurationMs p99DurationMs }
    }
  }
`);

export const RedeliverFailed = graphql(`
  mutation RedeliverFailed($webhookId: ID!, $since: DateTime!) {
    redeliverFailed(webhookId: $webhookId, since: $since) {
      __typename
      ... on RedeliverFailedSuccess { count }
      ... on NotFoundError { id }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

/** Every attempt as it is recorded, optionally narrowed, with its delivery. */
export const LiveAttempts = graphql(`
  subscription LiveAttempts($webhookId: ID, $eventId: ID, $outcomes: [AttemptOutcome!]) {
    deliveryAttempts(webhookId: $webhookId, eventId: $eventId, outcomes: $outcomes) {
      id
      webhookId
      eventId
      attemptNumber
      trigger
      outcome
      responseStatus
      delivery { id }
    }
  }
`);
