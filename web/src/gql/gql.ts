/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query MonitorViewer {\n    viewer { tenantName scopes }\n  }\n": typeof types.MonitorViewerDocument,
    "\n  query MonitorWebhooks($after: String) {\n    webhooks(first: 25, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id name url topics enabled disabledReason\n        stats { consecutiveFailures lastAttemptAt }\n        day: activity(minutes: 1440) { attempts succeeded p50DurationMs p99DurationMs }\n      }\n    }\n  }\n": typeof types.MonitorWebhooksDocument,
    "\n  query MonitorActivity($id: ID!) {\n    webhook(id: $id) {\n      id\n      activity(minutes: 60) {\n        since\n        minutes { minute attempts succeeded httpError timedOut connectionError blocked avgDurationMs maxDurationMs }\n      }\n    }\n  }\n": typeof types.MonitorActivityDocument,
    "\n  query MonitorDelivery($id: ID!) {\n    delivery(id: $id) {\n      id status attemptCount createdAt webhookId orderingKey\n      waitingFor { id status }\n      webhook { id name url }\n      event { id topic payload createdAt }\n      attempts { id attemptNumber trigger outcome url requestHeaders { name value } responseStatus receiverDirective responseBody error durationMs startedAt }\n    }\n  }\n": typeof types.MonitorDeliveryDocument,
    "\n  mutation MonitorSetEnabled($id: ID!, $enabled: Boolean!) {\n    updateWebhook(id: $id, input: { enabled: $enabled }) {\n      __typename\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": typeof types.MonitorSetEnabledDocument,
    "\n  mutation MonitorSendTest($id: ID!) {\n    sendTestEvent(webhookId: $id) {\n      __typename\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": typeof types.MonitorSendTestDocument,
    "\n  mutation MonitorRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": typeof types.MonitorRedeliverDocument,
    "\n  mutation MonitorRecoverDeliveries($id: ID!, $since: DateTime!, $until: DateTime!, $dryRun: Boolean!) {\n    recoverDeliveries(webhookId: $id, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on RecoverDeliveriesSuccess { count }\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": typeof types.MonitorRecoverDeliveriesDocument,
    "\n  subscription MonitorAttempts {\n    deliveryAttempts {\n      id webhookId eventId trigger outcome responseStatus durationMs startedAt attemptNumber\n      delivery { id }\n    }\n  }\n": typeof types.MonitorAttemptsDocument,
};
const documents: Documents = {
    "\n  query MonitorViewer {\n    viewer { tenantName scopes }\n  }\n": types.MonitorViewerDocument,
    "\n  query MonitorWebhooks($after: String) {\n    webhooks(first: 25, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id name url topics enabled disabledReason\n        stats { consecutiveFailures lastAttemptAt }\n        day: activity(minutes: 1440) { attempts succeeded p50DurationMs p99DurationMs }\n      }\n    }\n  }\n": types.MonitorWebhooksDocument,
    "\n  query MonitorActivity($id: ID!) {\n    webhook(id: $id) {\n      id\n      activity(minutes: 60) {\n        since\n        minutes { minute attempts succeeded httpError timedOut connectionError blocked avgDurationMs maxDurationMs }\n      }\n    }\n  }\n": types.MonitorActivityDocument,
    "\n  query MonitorDelivery($id: ID!) {\n    delivery(id: $id) {\n      id status attemptCount createdAt webhookId orderingKey\n      waitingFor { id status }\n      webhook { id name url }\n      event { id topic payload createdAt }\n      attempts { id attemptNumber trigger outcome url requestHeaders { name value } responseStatus receiverDirective responseBody error durationMs startedAt }\n    }\n  }\n": types.MonitorDeliveryDocument,
    "\n  mutation MonitorSetEnabled($id: ID!, $enabled: Boolean!) {\n    updateWebhook(id: $id, input: { enabled: $enabled }) {\n      __typename\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": types.MonitorSetEnabledDocument,
    "\n  mutation MonitorSendTest($id: ID!) {\n    sendTestEvent(webhookId: $id) {\n      __typename\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": types.MonitorSendTestDocument,
    "\n  mutation MonitorRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": types.MonitorRedeliverDocument,
    "\n  mutation MonitorRecoverDeliveries($id: ID!, $since: DateTime!, $until: DateTime!, $dryRun: Boolean!) {\n    recoverDeliveries(webhookId: $id, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on RecoverDeliveriesSuccess { count }\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": types.MonitorRecoverDeliveriesDocument,
    "\n  subscription MonitorAttempts {\n    deliveryAttempts {\n      id webhookId eventId trigger outcome responseStatus durationMs startedAt attemptNumber\n      delivery { id }\n    }\n  }\n": types.MonitorAttemptsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorViewer {\n    viewer { tenantName scopes }\n  }\n"): typeof import('./graphql.js').MonitorViewerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorWebhooks($after: String) {\n    webhooks(first: 25, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id name url topics enabled disabledReason\n        stats { consecutiveFailures lastAttemptAt }\n        day: activity(minutes: 1440) { attempts succeeded p50DurationMs p99DurationMs }\n      }\n    }\n  }\n"): typeof import('./graphql.js').MonitorWebhooksDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorActivity($id: ID!) {\n    webhook(id: $id) {\n      id\n      activity(minutes: 60) {\n        since\n        minutes { minute attempts succeeded httpError timedOut connectionError blocked avgDurationMs maxDurationMs }\n      }\n    }\n  }\n"): typeof import('./graphql.js').MonitorActivityDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorDelivery($id: ID!) {\n    delivery(id: $id) {\n      id status attemptCount createdAt webhookId orderingKey\n      waitingFor { id status }\n      webhook { id name url }\n      event { id topic payload createdAt }\n      attempts { id attemptNumber trigger outcome url requestHeaders { name value } responseStatus receiverDirective responseBody error durationMs startedAt }\n    }\n  }\n"): typeof import('./graphql.js').MonitorDeliveryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MonitorSetEnabled($id: ID!, $enabled: Boolean!) {\n    updateWebhook(id: $id, input: { enabled: $enabled }) {\n      __typename\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"): typeof import('./graphql.js').MonitorSetEnabledDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MonitorSendTest($id: ID!) {\n    sendTestEvent(webhookId: $id) {\n      __typename\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"): typeof import('./graphql.js').MonitorSendTestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MonitorRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"): typeof import('./graphql.js').MonitorRedeliverDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MonitorRecoverDeliveries($id: ID!, $since: DateTime!, $until: DateTime!, $dryRun: Boolean!) {\n    recoverDeliveries(webhookId: $id, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on RecoverDeliveriesSuccess { count }\n      ... on Error { message }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"): typeof import('./graphql.js').MonitorRecoverDeliveriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MonitorAttempts {\n    deliveryAttempts {\n      id webhookId eventId trigger outcome responseStatus durationMs startedAt attemptNumber\n      delivery { id }\n    }\n  }\n"): typeof import('./graphql.js').MonitorAttemptsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
