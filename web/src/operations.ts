import { graphql } from './gql/index.ts';

// Every operation the monitor sends, typed by codegen (npm run codegen) against schema/schema.graphql.

export const Viewer = graphql(`
  query MonitorViewer {
    viewer { tenantName scopes }
  }
`);

// 25 webhooks a page keeps the day's statistics within the cost budget (each is two statements).
export const Webhooks = graphql(`
  query MonitorWebhooks($after: String) {
    webhooks(first: 25, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id name url topics enabled disabledReason
        stats { consecutiveFailures lastAttemptAt }
        day: activity(minutes: 1440) { attempts succeeded p50DurationMs p99DurationMs }
      }
    }
  }
`);

export const Activity = graphql(`
  query MonitorActivity($id: ID!) {
    webhook(id: $id) {
      id
      activity(minutes: 60) {
        since
        minutes { minute attempts succeeded httpError timedOut connectionError blocked avgDurationMs maxDurationMs }
      }
    }
  }
`);

export const DeliveryPage = graphql(`
  query MonitorDelivery($id: ID!) {
    delivery(id: $id) {
      id status attemptCount createdAt webhookId orderingKey
      waitingFor { id status }
      webhook { id name url }
      event { id topic payload createdAt }
      attempts { id attemptNumber trigger outcome url requestHeaders { name value } responseStatus receiverDirective responseBody error durationMs startedAt }
    }
  }
`);

export const SetEnabled = graphql(`
  mutation MonitorSetEnabled($id: ID!, $enabled: Boolean!) {
    updateWebhook(id: $id, input: { enabled: $enabled }) {
      __typename
      ... on Error { message }
      ... on ForbiddenError { requiredScope }
    }
  }
`);

export const SendTest = graphql(`
  mutation MonitorSendTest($id: ID!) {
    sendTestEvent(webhookId: $id) {
      __typename
      ... on Error { message }
      ... on ForbiddenError { requiredScope }
    }
  }
`);

export const Redeliver = graphql(`
  mutation MonitorRedeliver($id: ID!) {
    redeliver(deliveryId: $id) {
      __typename
      ... on Error { message }
      ... on ForbiddenError { requiredScope }
    }
  }
`);

export const RecoverDeliveries = graphql(`
  mutation MonitorRecoverDeliveries($id: ID!, $since: DateTime!, $until: DateTime!, $dryRun: Boolean!) {
    recoverDeliveries(webhookId: $id, since: $since, until: $until, dryRun: $dryRun) {
      __typename
      ... on RecoverDeliveriesSuccess { count }
      ... on Error { message }
      ... on ForbiddenError { requiredScope }
    }
  }
`);

export const Attempts = graphql(`
  subscription MonitorAttempts {
    deliveryAttempts {
      id webhookId eventId trigger outcome responseStatus durationMs startedAt attemptNumber
      delivery { id }
    }
  }
`);
