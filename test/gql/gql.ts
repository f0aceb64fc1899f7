/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
    "\n  query ActivityOf($id: ID!, $minutes: Int) {\n    webhook(id: $id) {\n      activity(minutes: $minutes) {\n        since attempts succeeded p50DurationMs p99DurationMs\n        minutes { minute attempts succeeded httpError timedOut connectionError blocked avgDurationMs maxDurationMs }\n      }\n    }\n  }\n": typeof types.ActivityOfDocument,
    "\n  query SigningSecret($id: ID!) {\n    webhook(id: $id) { id signingSecret }\n  }\n": typeof types.SigningSecretDocument,
    "\n  query ApiKeys {\n    apiKeys { id name prefix scopes createdAt lastUsedAt revokedAt }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeySuccess { key apiKey { id name prefix scopes } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeySuccess { apiKey { id revokedAt } }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) { __typename id ... on Webhook { url } }\n  }\n": typeof types.NodeByIdDocument,
    "\n  query MonitorTestRecoverable($id: ID!) {\n    webhook(id: $id) { deliveries(first: 10) { nodes { status event { id } attempts { trigger } } } }\n  }\n": typeof types.MonitorTestRecoverableDocument,
    "\n  query EventTypes {\n    eventTypes { name description }\n  }\n": typeof types.EventTypesDocument,
    "query PlanViewer { viewer { tenantId } }": typeof types.PlanViewerDocument,
    "\n  query CrossTenantReads($event: ID!, $delivery: ID!) {\n    event(id: $event) { id }\n    delivery(id: $delivery) { id }\n    eventNode: node(id: $event) { id }\n    deliveryNode: node(id: $delivery) { id }\n  }\n": typeof types.CrossTenantReadsDocument,
    "\n  query EventsPage($first: Int, $after: String, $topic: String) {\n    events(first: $first, after: $after, topic: $topic) {\n      totalCount\n      nodes { id topic payload deliveries { id webhookId } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.EventsPageDocument,
    "\n  mutation SmokePublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id deliveries { id status } } }\n    }\n  }\n": typeof types.SmokePublishDocument,
    "\n  mutation DeliveryRotate($id: ID!, $overlapSeconds: Int) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret }\n    }\n  }\n": typeof types.DeliveryRotateDocument,
    "\n  query RetainedEvents($settled: ID!, $waiting: ID!, $fresh: ID!) {\n    settled: event(id: $settled) { id }\n    waiting: event(id: $waiting) { id }\n    fresh: event(id: $fresh) { id }\n  }\n": typeof types.RetainedEventsDocument,
    "\n  mutation Redeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on RedeliverSuccess { delivery { id status } }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": typeof types.RedeliverDocument,
    "\n  mutation SendTestEvent($webhookId: ID!) {\n    sendTestEvent(webhookId: $webhookId) {\n      __typename\n      ... on SendTestEventSuccess { delivery { id status event { topic } } }\n      ... on NotFoundError { id }\n    }\n  }\n": typeof types.SendTestEventDocument,
    "\n  mutation DeleteHookForHistory($id: ID!) {\n    deleteWebhook(id: $id) { __typename }\n  }\n": typeof types.DeleteHookForHistoryDocument,
    "\n  mutation ThreadsPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n": typeof types.ThreadsPublishDocument,
    "\n  query ThreadsSucceeded {\n    succeeded: deliveries(filter: { status: SUCCEEDED }) { totalCount }\n    all: deliveries { totalCount }\n  }\n": typeof types.ThreadsSucceededDocument,
    "\n  mutation FuzzRegressionCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": typeof types.FuzzRegressionCreateApiKeyDocument,
    "\n  query FuzzRegressionSearchWebhooks($search: String!) {\n    webhooks(filter: { search: $search }) { totalCount nodes { id } }\n  }\n": typeof types.FuzzRegressionSearchWebhooksDocument,
    "\n  mutation PublishEvent($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id topic createdAt deliveries { id webhookId status } } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": typeof types.PublishEventDocument,
    "\n  fragment DeliveryAttemptFields on DeliveryAttempt {\n    id\n    attemptNumber\n    trigger\n    outcome\n    url\n    responseStatus\n    responseBody\n    error\n    durationMs\n    startedAt\n    finishedAt\n    nextAttemptAt\n    webhookId\n    eventId\n  }\n": typeof types.DeliveryAttemptFieldsFragmentDoc,
    "\n  query GetDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attemptCount\n      nextAttemptAt\n      failureReason\n      webhookId\n      webhook { id }\n      event { id topic }\n      attempts { ...DeliveryAttemptFields }\n    }\n  }\n": typeof types.GetDeliveryDocument,
    "\n  query WebhookDeliveries($id: ID!, $status: DeliveryStatus) {\n    webhook(id: $id) {\n      id\n      enabled\n      disabledReason\n      deliveries(first: 100, status: $status) { totalCount nodes { id status attemptCount } }\n      stats { attempts succeeded failed consecutiveFailures lastAttemptAt p50DurationMs p99DurationMs }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation RedeliverFailed($webhookId: ID!, $since: DateTime!) {\n    redeliverFailed(webhookId: $webhookId, since: $since) {\n      __typename\n      ... on RedeliverFailedSuccess { count }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": typeof types.RedeliverFailedDocument,
    "\n  subscription LiveAttempts($webhookId: ID, $eventId: ID, $outcomes: [AttemptOutcome!]) {\n    deliveryAttempts(webhookId: $webhookId, eventId: $eventId, outcomes: $outcomes) {\n      id\n      webhookId\n      eventId\n      attemptNumber\n      trigger\n      outcome\n      responseStatus\n      delivery { id }\n    }\n  }\n": typeof types.LiveAttemptsDocument,
    "\n  fragment WebhookFields on Webhook {\n    id\n    name\n    url\n    type\n    topics\n    enabled\n    disabledReason\n    headers { name value }\n    hasBearerToken\n    timeoutSeconds\n    retryPolicy { maxRetries backoffSeconds strategy }\n    configuration {\n      echo\n      channelTypes\n      filters { field expression }\n      webengage { webhookUrl hasToken }\n    }\n    createdAt\n    updatedAt\n  }\n": typeof types.WebhookFieldsFragmentDoc,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookSuccess { signingSecret webhook { ...WebhookFields } }\n      ... on ValidationError { message code fieldErrors { path message } }\n      ... on ConflictError { message code existingWebhook { id url topics } }\n      ... on ForbiddenError { message code requiredScope }\n    }\n  }\n": typeof types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      __typename\n      ... on UpdateWebhookSuccess { webhook { ...WebhookFields } }\n      ... on ValidationError { message code fieldErrors { path message } }\n      ... on NotFoundError { message code id }\n      ... on ConflictError { message code existingWebhook { id } }\n      ... on ForbiddenError { message code requiredScope }\n    }\n  }\n": typeof types.UpdateWebhookDocument,
    "\n  query GetWebhook($id: ID!) {\n    webhook(id: $id) { ...WebhookFields }\n  }\n": typeof types.GetWebhookDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id) {\n      __typename\n      ... on DeleteWebhookSuccess { deletedWebhookId }\n      ... on NotFoundError { id code }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": typeof types.DeleteWebhookDocument,
    "\n  query Viewer {\n    viewer { tenantId tenantName scopes }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation PauseForTest($id: ID!) {\n    pauseWebhook(id: $id) { __typename ... on PauseWebhookSuccess { webhook { id pausedAt } } }\n  }\n": typeof types.PauseForTestDocument,
    "\n  mutation ResumeForTest($id: ID!) {\n    resumeWebhook(id: $id) { __typename ... on PauseWebhookSuccess { webhook { id pausedAt held { count } } } }\n  }\n": typeof types.ResumeForTestDocument,
    "\n  query WebhookCounts($id: ID!) {\n    webhook(id: $id) {\n      all: deliveries(first: 1) { totalCount }\n      succeeded: deliveries(first: 1, status: SUCCEEDED) { totalCount }\n      stats { attempts succeeded failed }\n    }\n  }\n": typeof types.WebhookCountsDocument,
    "\n  query WebhookTotalCount {\n    webhooks { totalCount }\n  }\n": typeof types.WebhookTotalCountDocument,
    "\n  mutation FreshRowsPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n": typeof types.FreshRowsPublishDocument,
    "\n  subscription FreshRowsAttempts($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id delivery { id webhook { id name } } }\n  }\n": typeof types.FreshRowsAttemptsDocument,
    "\n  subscription KeepsUpAttempts {\n    deliveryAttempts { id webhookId outcome startedAt attemptNumber delivery { id status } }\n  }\n": typeof types.KeepsUpAttemptsDocument,
    "\n  mutation SharingCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) { __typename ... on CreateApiKeySuccess { key } }\n  }\n": typeof types.SharingCreateKeyDocument,
    "\n  mutation SharingPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n": typeof types.SharingPublishDocument,
    "\n  subscription SharingWithSecret($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id webhookId delivery { webhook { id signingSecret } } }\n  }\n": typeof types.SharingWithSecretDocument,
    "\n  subscription LiveAttemptDeliveries {\n    deliveryAttempts { id delivery { id status attemptCount } }\n  }\n": typeof types.LiveAttemptDeliveriesDocument,
    "\n  subscription LiveDeliveries($webhookId: ID) {\n    deliveryUpdated(webhookId: $webhookId) { id webhookId status attemptCount }\n  }\n": typeof types.LiveDeliveriesDocument,
    "\n  mutation LiveRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) { __typename }\n  }\n": typeof types.LiveRedeliverDocument,
    "\n  mutation LiveRevoke($id: ID!) {\n    revokeApiKey(id: $id) { __typename }\n  }\n": typeof types.LiveRevokeDocument,
    "\n  query LiveKeyIds {\n    apiKeys { id prefix }\n  }\n": typeof types.LiveKeyIdsDocument,
    "query LiveViewer { viewer { tenantId } }": typeof types.LiveViewerDocument,
    "\n  query OperationalEventDeliveries($id: ID!) {\n    event(id: $id) { id topic payload deliveries { webhookId } }\n  }\n": typeof types.OperationalEventDeliveriesDocument,
    "\n  query OperationalEventsOfTopic($topic: String!) {\n    events(first: 1, topic: $topic) { totalCount }\n  }\n": typeof types.OperationalEventsOfTopicDocument,
    "\n  subscription OperationalGatewayEvents {\n    gatewayEvents { id topic payload createdAt }\n  }\n": typeof types.OperationalGatewayEventsDocument,
    "\n  mutation OrderingPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { event { id orderingKey deliveries { id webhookId status orderingKey } } }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": typeof types.OrderingPublishDocument,
    "\n  query OrderingEvent($id: ID!) {\n    event(id: $id) { deliveries { id webhookId status orderingKey waitingFor { id status } } }\n  }\n": typeof types.OrderingEventDocument,
    "\n  query OrderingWaiting($webhookId: ID!) {\n    deliveries(filter: { webhookId: $webhookId, status: WAITING }) { totalCount edges { node { id status } } }\n  }\n": typeof types.OrderingWaitingDocument,
    "\n  mutation OrderingPause($id: ID!) { pauseWebhook(id: $id) { __typename } }\n": typeof types.OrderingPauseDocument,
    "\n  mutation OrderingResume($id: ID!) { resumeWebhook(id: $id) { __typename } }\n": typeof types.OrderingResumeDocument,
    "\n  mutation OrderingRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": typeof types.OrderingRedeliverDocument,
    "\n  query HeldForTest($id: ID!) {\n    webhook(id: $id) {\n      pausedAt\n      enabled\n      held { count oldestAt }\n      deliveries(first: 10) { nodes { id status failureReason event { id } } }\n    }\n  }\n": typeof types.HeldForTestDocument,
    "\n  subscription ClusterAttempts($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id attemptNumber outcome responseStatus delivery { id } }\n  }\n": typeof types.ClusterAttemptsDocument,
    "\n  query ClusterKeys {\n    apiKeys { id prefix }\n  }\n": typeof types.ClusterKeysDocument,
    "\n  mutation ClusterRevoke($id: ID!) {\n    revokeApiKey(id: $id) { __typename }\n  }\n": typeof types.ClusterRevokeDocument,
    "\n  subscription MultiInstanceAttempts {\n    deliveryAttempts { id }\n  }\n": typeof types.MultiInstanceAttemptsDocument,
    "\n  subscription RestartAttempts {\n    deliveryAttempts { id eventId }\n  }\n": typeof types.RestartAttemptsDocument,
    "\n  mutation RestartKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeySuccess { key apiKey { id } }\n    }\n  }\n": typeof types.RestartKeyDocument,
    "\n  query TooNested {\n    webhooks(first: 100) {\n      nodes {\n        deliveries(first: 100) {\n          nodes { attempts { id delivery { webhook { deliveries(first: 100) { nodes { id } } } } } }\n        }\n      }\n    }\n  }\n": typeof types.TooNestedDocument,
    "\n  query OrdinaryPage {\n    webhooks(first: 100) {\n      totalCount\n      edges { cursor node { id name url topics deliveries(first: 10) { totalCount nodes { id status attempts { id outcome } } } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.OrdinaryPageDocument,
    "\n  query TooDeep {\n    webhooks(first: 1) { nodes { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { id } } } } } } } } } } } } }\n  }\n": typeof types.TooDeepDocument,
    "\n  mutation LimitedCreate($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookSuccess { webhook { id } }\n      ... on RateLimitedError { message code retryAfterSeconds }\n    }\n  }\n": typeof types.LimitedCreateDocument,
    "query LimitedSearch { webhooks(filter: { search: \"/rl/3\" }) { totalCount } }": typeof types.LimitedSearchDocument,
    "\n  query ReceiverControlDeliveries($id: ID!) {\n    event(id: $id) {\n      deliveries { webhookId status attempts { outcome responseStatus receiverDirective } }\n    }\n  }\n": typeof types.ReceiverControlDeliveriesDocument,
    "\n  mutation RecoverDeliveries($webhookId: ID!, $since: DateTime!, $until: DateTime, $dryRun: Boolean) {\n    recoverDeliveries(webhookId: $webhookId, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on RecoverDeliveriesSuccess { dryRun count deliveries { id status attemptCount } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": typeof types.RecoverDeliveriesDocument,
    "\n  mutation ReplayEvents($webhookId: ID!, $since: DateTime!, $until: DateTime, $dryRun: Boolean) {\n    replayEvents(webhookId: $webhookId, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on ReplayEventsSuccess { dryRun count events { id } deliveries { id webhookId event { id } } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": typeof types.ReplayEventsDocument,
    "\n  query Deliveries($filter: DeliveryFilter, $first: Int, $after: String) {\n    deliveries(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id status webhookId event { id topic } attempts { trigger } }\n    }\n  }\n": typeof types.DeliveriesDocument,
    "query RecoveryViewer { viewer { tenantId } }": typeof types.RecoveryViewerDocument,
    "\n  mutation RedeliverInFlight($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on RedeliverSuccess { delivery { id status } }\n    }\n  }\n": typeof types.RedeliverInFlightDocument,
    "\n  mutation UpdateRetriesForRedeliver($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) { __typename }\n  }\n": typeof types.UpdateRetriesForRedeliverDocument,
    "\n  query AttemptsOf($id: ID!) {\n    delivery(id: $id) { status attempts { attemptNumber trigger outcome } }\n  }\n": typeof types.AttemptsOfDocument,
    "\n  mutation QuotaPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id } }\n      ... on StorageQuotaExceededError { code message limitBytes usedBytes }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": typeof types.QuotaPublishDocument,
    "\n  query QuotaUsage {\n    viewer { storage { usedBytes limitBytes } }\n    events(first: 1) { totalCount }\n  }\n": typeof types.QuotaUsageDocument,
    "\n  query QuotaWebhookDeliveries($id: ID!) {\n    webhook(id: $id) { deliveries(first: 1) { totalCount } }\n  }\n": typeof types.QuotaWebhookDeliveriesDocument,
    "\n  mutation CacheRotate($id: ID!) {\n    rotateSigningSecret(id: $id, overlapSeconds: 0) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret }\n    }\n  }\n": typeof types.CacheRotateDocument,
    "\n  query EventAttemptHeaders($id: ID!) {\n    event(id: $id) {\n      deliveries { attempts { requestHeaders { name value } } }\n    }\n  }\n": typeof types.EventAttemptHeadersDocument,
    "\n  mutation UpdateVersioned($id: ID!, $input: UpdateWebhookInput!, $expectedUpdatedAt: DateTime) {\n    updateWebhook(id: $id, input: $input, expectedUpdatedAt: $expectedUpdatedAt) {\n      __typename\n      ... on UpdateWebhookSuccess { webhook { id name updatedAt } }\n      ... on ConflictError { code reason message existingWebhook { id name updatedAt } }\n    }\n  }\n": typeof types.UpdateVersionedDocument,
    "\n  mutation RotateOwn($id: ID!, $overlapSeconds: Int, $signingSecret: String) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds, signingSecret: $signingSecret) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret previousSecretExpiresAt webhook { updatedAt } }\n      ... on ValidationError { message fieldErrors { path message } }\n    }\n  }\n": typeof types.RotateOwnDocument,
    "query VersionsSecret($id: ID!) { webhook(id: $id) { signingSecret updatedAt } }": typeof types.VersionsSecretDocument,
    "\n  query WebhooksBySearch($search: String!) {\n    webhooks(filter: { search: $search }) { totalCount nodes { id } }\n  }\n": typeof types.WebhooksBySearchDocument,
    "\n  query WebhooksPage($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookFilter) {\n    webhooks(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      edges { cursor node { id name } }\n      nodes { id }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.WebhooksPageDocument,
    "\n  mutation RotateSecret($id: ID!, $overlapSeconds: Int) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret previousSecretExpiresAt webhook { id updatedAt } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n    }\n  }\n": typeof types.RotateSecretDocument,
};
const documents: Documents = {
    "\n  query ActivityOf($id: ID!, $minutes: Int) {\n    webhook(id: $id) {\n      activity(minutes: $minutes) {\n        since attempts succeeded p50DurationMs p99DurationMs\n        minutes { minute attempts succeeded httpError timedOut connectionError blocked avgDurationMs maxDurationMs }\n      }\n    }\n  }\n": types.ActivityOfDocument,
    "\n  query SigningSecret($id: ID!) {\n    webhook(id: $id) { id signingSecret }\n  }\n": types.SigningSecretDocument,
    "\n  query ApiKeys {\n    apiKeys { id name prefix scopes createdAt lastUsedAt revokedAt }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeySuccess { key apiKey { id name prefix scopes } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeySuccess { apiKey { id revokedAt } }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) { __typename id ... on Webhook { url } }\n  }\n": types.NodeByIdDocument,
    "\n  query MonitorTestRecoverable($id: ID!) {\n    webhook(id: $id) { deliveries(first: 10) { nodes { status event { id } attempts { trigger } } } }\n  }\n": types.MonitorTestRecoverableDocument,
    "\n  query EventTypes {\n    eventTypes { name description }\n  }\n": types.EventTypesDocument,
    "query PlanViewer { viewer { tenantId } }": types.PlanViewerDocument,
    "\n  query CrossTenantReads($event: ID!, $delivery: ID!) {\n    event(id: $event) { id }\n    delivery(id: $delivery) { id }\n    eventNode: node(id: $event) { id }\n    deliveryNode: node(id: $delivery) { id }\n  }\n": types.CrossTenantReadsDocument,
    "\n  query EventsPage($first: Int, $after: String, $topic: String) {\n    events(first: $first, after: $after, topic: $topic) {\n      totalCount\n      nodes { id topic payload deliveries { id webhookId } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.EventsPageDocument,
    "\n  mutation SmokePublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id deliveries { id status } } }\n    }\n  }\n": types.SmokePublishDocument,
    "\n  mutation DeliveryRotate($id: ID!, $overlapSeconds: Int) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret }\n    }\n  }\n": types.DeliveryRotateDocument,
    "\n  query RetainedEvents($settled: ID!, $waiting: ID!, $fresh: ID!) {\n    settled: event(id: $settled) { id }\n    waiting: event(id: $waiting) { id }\n    fresh: event(id: $fresh) { id }\n  }\n": types.RetainedEventsDocument,
    "\n  mutation Redeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on RedeliverSuccess { delivery { id status } }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": types.RedeliverDocument,
    "\n  mutation SendTestEvent($webhookId: ID!) {\n    sendTestEvent(webhookId: $webhookId) {\n      __typename\n      ... on SendTestEventSuccess { delivery { id status event { topic } } }\n      ... on NotFoundError { id }\n    }\n  }\n": types.SendTestEventDocument,
    "\n  mutation DeleteHookForHistory($id: ID!) {\n    deleteWebhook(id: $id) { __typename }\n  }\n": types.DeleteHookForHistoryDocument,
    "\n  mutation ThreadsPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n": types.ThreadsPublishDocument,
    "\n  query ThreadsSucceeded {\n    succeeded: deliveries(filter: { status: SUCCEEDED }) { totalCount }\n    all: deliveries { totalCount }\n  }\n": types.ThreadsSucceededDocument,
    "\n  mutation FuzzRegressionCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": types.FuzzRegressionCreateApiKeyDocument,
    "\n  query FuzzRegressionSearchWebhooks($search: String!) {\n    webhooks(filter: { search: $search }) { totalCount nodes { id } }\n  }\n": types.FuzzRegressionSearchWebhooksDocument,
    "\n  mutation PublishEvent($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id topic createdAt deliveries { id webhookId status } } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": types.PublishEventDocument,
    "\n  fragment DeliveryAttemptFields on DeliveryAttempt {\n    id\n    attemptNumber\n    trigger\n    outcome\n    url\n    responseStatus\n    responseBody\n    error\n    durationMs\n    startedAt\n    finishedAt\n    nextAttemptAt\n    webhookId\n    eventId\n  }\n": types.DeliveryAttemptFieldsFragmentDoc,
    "\n  query GetDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attemptCount\n      nextAttemptAt\n      failureReason\n      webhookId\n      webhook { id }\n      event { id topic }\n      attempts { ...DeliveryAttemptFields }\n    }\n  }\n": types.GetDeliveryDocument,
    "\n  query WebhookDeliveries($id: ID!, $status: DeliveryStatus) {\n    webhook(id: $id) {\n      id\n      enabled\n      disabledReason\n      deliveries(first: 100, status: $status) { totalCount nodes { id status attemptCount } }\n      stats { attempts succeeded failed consecutiveFailures lastAttemptAt p50DurationMs p99DurationMs }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation RedeliverFailed($webhookId: ID!, $since: DateTime!) {\n    redeliverFailed(webhookId: $webhookId, since: $since) {\n      __typename\n      ... on RedeliverFailedSuccess { count }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": types.RedeliverFailedDocument,
    "\n  subscription LiveAttempts($webhookId: ID, $eventId: ID, $outcomes: [AttemptOutcome!]) {\n    deliveryAttempts(webhookId: $webhookId, eventId: $eventId, outcomes: $outcomes) {\n      id\n      webhookId\n      eventId\n      attemptNumber\n      trigger\n      outcome\n      responseStatus\n      delivery { id }\n    }\n  }\n": types.LiveAttemptsDocument,
    "\n  fragment WebhookFields on Webhook {\n    id\n    name\n    url\n    type\n    topics\n    enabled\n    disabledReason\n    headers { name value }\n    hasBearerToken\n    timeoutSeconds\n    retryPolicy { maxRetries backoffSeconds strategy }\n    configuration {\n      echo\n      channelTypes\n      filters { field expression }\n      webengage { webhookUrl hasToken }\n    }\n    createdAt\n    updatedAt\n  }\n": types.WebhookFieldsFragmentDoc,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookSuccess { signingSecret webhook { ...WebhookFields } }\n      ... on ValidationError { message code fieldErrors { path message } }\n      ... on ConflictError { message code existingWebhook { id url topics } }\n      ... on ForbiddenError { message code requiredScope }\n    }\n  }\n": types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      __typename\n      ... on UpdateWebhookSuccess { webhook { ...WebhookFields } }\n      ... on ValidationError { message code fieldErrors { path message } }\n      ... on NotFoundError { message code id }\n      ... on ConflictError { message code existingWebhook { id } }\n      ... on ForbiddenError { message code requiredScope }\n    }\n  }\n": types.UpdateWebhookDocument,
    "\n  query GetWebhook($id: ID!) {\n    webhook(id: $id) { ...WebhookFields }\n  }\n": types.GetWebhookDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id) {\n      __typename\n      ... on DeleteWebhookSuccess { deletedWebhookId }\n      ... on NotFoundError { id code }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": types.DeleteWebhookDocument,
    "\n  query Viewer {\n    viewer { tenantId tenantName scopes }\n  }\n": types.ViewerDocument,
    "\n  mutation PauseForTest($id: ID!) {\n    pauseWebhook(id: $id) { __typename ... on PauseWebhookSuccess { webhook { id pausedAt } } }\n  }\n": types.PauseForTestDocument,
    "\n  mutation ResumeForTest($id: ID!) {\n    resumeWebhook(id: $id) { __typename ... on PauseWebhookSuccess { webhook { id pausedAt held { count } } } }\n  }\n": types.ResumeForTestDocument,
    "\n  query WebhookCounts($id: ID!) {\n    webhook(id: $id) {\n      all: deliveries(first: 1) { totalCount }\n      succeeded: deliveries(first: 1, status: SUCCEEDED) { totalCount }\n      stats { attempts succeeded failed }\n    }\n  }\n": types.WebhookCountsDocument,
    "\n  query WebhookTotalCount {\n    webhooks { totalCount }\n  }\n": types.WebhookTotalCountDocument,
    "\n  mutation FreshRowsPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n": types.FreshRowsPublishDocument,
    "\n  subscription FreshRowsAttempts($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id delivery { id webhook { id name } } }\n  }\n": types.FreshRowsAttemptsDocument,
    "\n  subscription KeepsUpAttempts {\n    deliveryAttempts { id webhookId outcome startedAt attemptNumber delivery { id status } }\n  }\n": types.KeepsUpAttemptsDocument,
    "\n  mutation SharingCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) { __typename ... on CreateApiKeySuccess { key } }\n  }\n": types.SharingCreateKeyDocument,
    "\n  mutation SharingPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n": types.SharingPublishDocument,
    "\n  subscription SharingWithSecret($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id webhookId delivery { webhook { id signingSecret } } }\n  }\n": types.SharingWithSecretDocument,
    "\n  subscription LiveAttemptDeliveries {\n    deliveryAttempts { id delivery { id status attemptCount } }\n  }\n": types.LiveAttemptDeliveriesDocument,
    "\n  subscription LiveDeliveries($webhookId: ID) {\n    deliveryUpdated(webhookId: $webhookId) { id webhookId status attemptCount }\n  }\n": types.LiveDeliveriesDocument,
    "\n  mutation LiveRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) { __typename }\n  }\n": types.LiveRedeliverDocument,
    "\n  mutation LiveRevoke($id: ID!) {\n    revokeApiKey(id: $id) { __typename }\n  }\n": types.LiveRevokeDocument,
    "\n  query LiveKeyIds {\n    apiKeys { id prefix }\n  }\n": types.LiveKeyIdsDocument,
    "query LiveViewer { viewer { tenantId } }": types.LiveViewerDocument,
    "\n  query OperationalEventDeliveries($id: ID!) {\n    event(id: $id) { id topic payload deliveries { webhookId } }\n  }\n": types.OperationalEventDeliveriesDocument,
    "\n  query OperationalEventsOfTopic($topic: String!) {\n    events(first: 1, topic: $topic) { totalCount }\n  }\n": types.OperationalEventsOfTopicDocument,
    "\n  subscription OperationalGatewayEvents {\n    gatewayEvents { id topic payload createdAt }\n  }\n": types.OperationalGatewayEventsDocument,
    "\n  mutation OrderingPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { event { id orderingKey deliveries { id webhookId status orderingKey } } }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": types.OrderingPublishDocument,
    "\n  query OrderingEvent($id: ID!) {\n    event(id: $id) { deliveries { id webhookId status orderingKey waitingFor { id status } } }\n  }\n": types.OrderingEventDocument,
    "\n  query OrderingWaiting($webhookId: ID!) {\n    deliveries(filter: { webhookId: $webhookId, status: WAITING }) { totalCount edges { node { id status } } }\n  }\n": types.OrderingWaitingDocument,
    "\n  mutation OrderingPause($id: ID!) { pauseWebhook(id: $id) { __typename } }\n": types.OrderingPauseDocument,
    "\n  mutation OrderingResume($id: ID!) { resumeWebhook(id: $id) { __typename } }\n": types.OrderingResumeDocument,
    "\n  mutation OrderingRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": types.OrderingRedeliverDocument,
    "\n  query HeldForTest($id: ID!) {\n    webhook(id: $id) {\n      pausedAt\n      enabled\n      held { count oldestAt }\n      deliveries(first: 10) { nodes { id status failureReason event { id } } }\n    }\n  }\n": types.HeldForTestDocument,
    "\n  subscription ClusterAttempts($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id attemptNumber outcome responseStatus delivery { id } }\n  }\n": types.ClusterAttemptsDocument,
    "\n  query ClusterKeys {\n    apiKeys { id prefix }\n  }\n": types.ClusterKeysDocument,
    "\n  mutation ClusterRevoke($id: ID!) {\n    revokeApiKey(id: $id) { __typename }\n  }\n": types.ClusterRevokeDocument,
    "\n  subscription MultiInstanceAttempts {\n    deliveryAttempts { id }\n  }\n": types.MultiInstanceAttemptsDocument,
    "\n  subscription RestartAttempts {\n    deliveryAttempts { id eventId }\n  }\n": types.RestartAttemptsDocument,
    "\n  mutation RestartKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeySuccess { key apiKey { id } }\n    }\n  }\n": types.RestartKeyDocument,
    "\n  query TooNested {\n    webhooks(first: 100) {\n      nodes {\n        deliveries(first: 100) {\n          nodes { attempts { id delivery { webhook { deliveries(first: 100) { nodes { id } } } } } }\n        }\n      }\n    }\n  }\n": types.TooNestedDocument,
    "\n  query OrdinaryPage {\n    webhooks(first: 100) {\n      totalCount\n      edges { cursor node { id name url topics deliveries(first: 10) { totalCount nodes { id status attempts { id outcome } } } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.OrdinaryPageDocument,
    "\n  query TooDeep {\n    webhooks(first: 1) { nodes { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { id } } } } } } } } } } } } }\n  }\n": types.TooDeepDocument,
    "\n  mutation LimitedCreate($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookSuccess { webhook { id } }\n      ... on RateLimitedError { message code retryAfterSeconds }\n    }\n  }\n": types.LimitedCreateDocument,
    "query LimitedSearch { webhooks(filter: { search: \"/rl/3\" }) { totalCount } }": types.LimitedSearchDocument,
    "\n  query ReceiverControlDeliveries($id: ID!) {\n    event(id: $id) {\n      deliveries { webhookId status attempts { outcome responseStatus receiverDirective } }\n    }\n  }\n": types.ReceiverControlDeliveriesDocument,
    "\n  mutation RecoverDeliveries($webhookId: ID!, $since: DateTime!, $until: DateTime, $dryRun: Boolean) {\n    recoverDeliveries(webhookId: $webhookId, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on RecoverDeliveriesSuccess { dryRun count deliveries { id status attemptCount } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": types.RecoverDeliveriesDocument,
    "\n  mutation ReplayEvents($webhookId: ID!, $since: DateTime!, $until: DateTime, $dryRun: Boolean) {\n    replayEvents(webhookId: $webhookId, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on ReplayEventsSuccess { dryRun count events { id } deliveries { id webhookId event { id } } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n": types.ReplayEventsDocument,
    "\n  query Deliveries($filter: DeliveryFilter, $first: Int, $after: String) {\n    deliveries(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id status webhookId event { id topic } attempts { trigger } }\n    }\n  }\n": types.DeliveriesDocument,
    "query RecoveryViewer { viewer { tenantId } }": types.RecoveryViewerDocument,
    "\n  mutation RedeliverInFlight($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on RedeliverSuccess { delivery { id status } }\n    }\n  }\n": types.RedeliverInFlightDocument,
    "\n  mutation UpdateRetriesForRedeliver($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) { __typename }\n  }\n": types.UpdateRetriesForRedeliverDocument,
    "\n  query AttemptsOf($id: ID!) {\n    delivery(id: $id) { status attempts { attemptNumber trigger outcome } }\n  }\n": types.AttemptsOfDocument,
    "\n  mutation QuotaPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id } }\n      ... on StorageQuotaExceededError { code message limitBytes usedBytes }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n": types.QuotaPublishDocument,
    "\n  query QuotaUsage {\n    viewer { storage { usedBytes limitBytes } }\n    events(first: 1) { totalCount }\n  }\n": types.QuotaUsageDocument,
    "\n  query QuotaWebhookDeliveries($id: ID!) {\n    webhook(id: $id) { deliveries(first: 1) { totalCount } }\n  }\n": types.QuotaWebhookDeliveriesDocument,
    "\n  mutation CacheRotate($id: ID!) {\n    rotateSigningSecret(id: $id, overlapSeconds: 0) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret }\n    }\n  }\n": types.CacheRotateDocument,
    "\n  query EventAttemptHeaders($id: ID!) {\n    event(id: $id) {\n      deliveries { attempts { requestHeaders { name value } } }\n    }\n  }\n": types.EventAttemptHeadersDocument,
    "\n  mutation UpdateVersioned($id: ID!, $input: UpdateWebhookInput!, $expectedUpdatedAt: DateTime) {\n    updateWebhook(id: $id, input: $input, expectedUpdatedAt: $expectedUpdatedAt) {\n      __typename\n      ... on UpdateWebhookSuccess { webhook { id name updatedAt } }\n      ... on ConflictError { code reason message existingWebhook { id name updatedAt } }\n    }\n  }\n": types.UpdateVersionedDocument,
    "\n  mutation RotateOwn($id: ID!, $overlapSeconds: Int, $signingSecret: String) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds, signingSecret: $signingSecret) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret previousSecretExpiresAt webhook { updatedAt } }\n      ... on ValidationError { message fieldErrors { path message } }\n    }\n  }\n": types.RotateOwnDocument,
    "query VersionsSecret($id: ID!) { webhook(id: $id) { signingSecret updatedAt } }": types.VersionsSecretDocument,
    "\n  query WebhooksBySearch($search: String!) {\n    webhooks(filter: { search: $search }) { totalCount nodes { id } }\n  }\n": types.WebhooksBySearchDocument,
    "\n  query WebhooksPage($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookFilter) {\n    webhooks(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      edges { cursor node { id name } }\n      nodes { id }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.WebhooksPageDocument,
    "\n  mutation RotateSecret($id: ID!, $overlapSeconds: Int) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret previousSecretExpiresAt webhook { id updatedAt } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n    }\n  }\n": types.RotateSecretDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ActivityOf($id: ID!, $minutes: Int) {\n    webhook(id: $id) {\n      activity(minutes: $minutes) {\n        since attempts succeeded p50DurationMs p99DurationMs\n        minutes { minute attempts succeeded httpError timedOut connectionError blocked avgDurationMs maxDurationMs }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ActivityOf($id: ID!, $minutes: Int) {\n    webhook(id: $id) {\n      activity(minutes: $minutes) {\n        since attempts succeeded p50DurationMs p99DurationMs\n        minutes { minute attempts succeeded httpError timedOut connectionError blocked avgDurationMs maxDurationMs }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SigningSecret($id: ID!) {\n    webhook(id: $id) { id signingSecret }\n  }\n"): (typeof documents)["\n  query SigningSecret($id: ID!) {\n    webhook(id: $id) { id signingSecret }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys {\n    apiKeys { id name prefix scopes createdAt lastUsedAt revokedAt }\n  }\n"): (typeof documents)["\n  query ApiKeys {\n    apiKeys { id name prefix scopes createdAt lastUsedAt revokedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeySuccess { key apiKey { id name prefix scopes } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeySuccess { key apiKey { id name prefix scopes } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeySuccess { apiKey { id revokedAt } }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeySuccess { apiKey { id revokedAt } }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeById($id: ID!) {\n    node(id: $id) { __typename id ... on Webhook { url } }\n  }\n"): (typeof documents)["\n  query NodeById($id: ID!) {\n    node(id: $id) { __typename id ... on Webhook { url } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorTestRecoverable($id: ID!) {\n    webhook(id: $id) { deliveries(first: 10) { nodes { status event { id } attempts { trigger } } } }\n  }\n"): (typeof documents)["\n  query MonitorTestRecoverable($id: ID!) {\n    webhook(id: $id) { deliveries(first: 10) { nodes { status event { id } attempts { trigger } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventTypes {\n    eventTypes { name description }\n  }\n"): (typeof documents)["\n  query EventTypes {\n    eventTypes { name description }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PlanViewer { viewer { tenantId } }"): (typeof documents)["query PlanViewer { viewer { tenantId } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CrossTenantReads($event: ID!, $delivery: ID!) {\n    event(id: $event) { id }\n    delivery(id: $delivery) { id }\n    eventNode: node(id: $event) { id }\n    deliveryNode: node(id: $delivery) { id }\n  }\n"): (typeof documents)["\n  query CrossTenantReads($event: ID!, $delivery: ID!) {\n    event(id: $event) { id }\n    delivery(id: $delivery) { id }\n    eventNode: node(id: $event) { id }\n    deliveryNode: node(id: $delivery) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventsPage($first: Int, $after: String, $topic: String) {\n    events(first: $first, after: $after, topic: $topic) {\n      totalCount\n      nodes { id topic payload deliveries { id webhookId } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query EventsPage($first: Int, $after: String, $topic: String) {\n    events(first: $first, after: $after, topic: $topic) {\n      totalCount\n      nodes { id topic payload deliveries { id webhookId } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SmokePublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id deliveries { id status } } }\n    }\n  }\n"): (typeof documents)["\n  mutation SmokePublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id deliveries { id status } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeliveryRotate($id: ID!, $overlapSeconds: Int) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret }\n    }\n  }\n"): (typeof documents)["\n  mutation DeliveryRotate($id: ID!, $overlapSeconds: Int) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RetainedEvents($settled: ID!, $waiting: ID!, $fresh: ID!) {\n    settled: event(id: $settled) { id }\n    waiting: event(id: $waiting) { id }\n    fresh: event(id: $fresh) { id }\n  }\n"): (typeof documents)["\n  query RetainedEvents($settled: ID!, $waiting: ID!, $fresh: ID!) {\n    settled: event(id: $settled) { id }\n    waiting: event(id: $waiting) { id }\n    fresh: event(id: $fresh) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Redeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on RedeliverSuccess { delivery { id status } }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation Redeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on RedeliverSuccess { delivery { id status } }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendTestEvent($webhookId: ID!) {\n    sendTestEvent(webhookId: $webhookId) {\n      __typename\n      ... on SendTestEventSuccess { delivery { id status event { topic } } }\n      ... on NotFoundError { id }\n    }\n  }\n"): (typeof documents)["\n  mutation SendTestEvent($webhookId: ID!) {\n    sendTestEvent(webhookId: $webhookId) {\n      __typename\n      ... on SendTestEventSuccess { delivery { id status event { topic } } }\n      ... on NotFoundError { id }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteHookForHistory($id: ID!) {\n    deleteWebhook(id: $id) { __typename }\n  }\n"): (typeof documents)["\n  mutation DeleteHookForHistory($id: ID!) {\n    deleteWebhook(id: $id) { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ThreadsPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n"): (typeof documents)["\n  mutation ThreadsPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ThreadsSucceeded {\n    succeeded: deliveries(filter: { status: SUCCEEDED }) { totalCount }\n    all: deliveries { totalCount }\n  }\n"): (typeof documents)["\n  query ThreadsSucceeded {\n    succeeded: deliveries(filter: { status: SUCCEEDED }) { totalCount }\n    all: deliveries { totalCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FuzzRegressionCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation FuzzRegressionCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FuzzRegressionSearchWebhooks($search: String!) {\n    webhooks(filter: { search: $search }) { totalCount nodes { id } }\n  }\n"): (typeof documents)["\n  query FuzzRegressionSearchWebhooks($search: String!) {\n    webhooks(filter: { search: $search }) { totalCount nodes { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishEvent($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id topic createdAt deliveries { id webhookId status } } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"): (typeof documents)["\n  mutation PublishEvent($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id topic createdAt deliveries { id webhookId status } } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DeliveryAttemptFields on DeliveryAttempt {\n    id\n    attemptNumber\n    trigger\n    outcome\n    url\n    responseStatus\n    responseBody\n    error\n    durationMs\n    startedAt\n    finishedAt\n    nextAttemptAt\n    webhookId\n    eventId\n  }\n"): (typeof documents)["\n  fragment DeliveryAttemptFields on DeliveryAttempt {\n    id\n    attemptNumber\n    trigger\n    outcome\n    url\n    responseStatus\n    responseBody\n    error\n    durationMs\n    startedAt\n    finishedAt\n    nextAttemptAt\n    webhookId\n    eventId\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attemptCount\n      nextAttemptAt\n      failureReason\n      webhookId\n      webhook { id }\n      event { id topic }\n      attempts { ...DeliveryAttemptFields }\n    }\n  }\n"): (typeof documents)["\n  query GetDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attemptCount\n      nextAttemptAt\n      failureReason\n      webhookId\n      webhook { id }\n      event { id topic }\n      attempts { ...DeliveryAttemptFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($id: ID!, $status: DeliveryStatus) {\n    webhook(id: $id) {\n      id\n      enabled\n      disabledReason\n      deliveries(first: 100, status: $status) { totalCount nodes { id status attemptCount } }\n      stats { attempts succeeded failed consecutiveFailures lastAttemptAt p50DurationMs p99DurationMs }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($id: ID!, $status: DeliveryStatus) {\n    webhook(id: $id) {\n      id\n      enabled\n      disabledReason\n      deliveries(first: 100, status: $status) { totalCount nodes { id status attemptCount } }\n      stats { attempts succeeded failed consecutiveFailures lastAttemptAt p50DurationMs p99DurationMs }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RedeliverFailed($webhookId: ID!, $since: DateTime!) {\n    redeliverFailed(webhookId: $webhookId, since: $since) {\n      __typename\n      ... on RedeliverFailedSuccess { count }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation RedeliverFailed($webhookId: ID!, $since: DateTime!) {\n    redeliverFailed(webhookId: $webhookId, since: $since) {\n      __typename\n      ... on RedeliverFailedSuccess { count }\n      ... on NotFoundError { id }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveAttempts($webhookId: ID, $eventId: ID, $outcomes: [AttemptOutcome!]) {\n    deliveryAttempts(webhookId: $webhookId, eventId: $eventId, outcomes: $outcomes) {\n      id\n      webhookId\n      eventId\n      attemptNumber\n      trigger\n      outcome\n      responseStatus\n      delivery { id }\n    }\n  }\n"): (typeof documents)["\n  subscription LiveAttempts($webhookId: ID, $eventId: ID, $outcomes: [AttemptOutcome!]) {\n    deliveryAttempts(webhookId: $webhookId, eventId: $eventId, outcomes: $outcomes) {\n      id\n      webhookId\n      eventId\n      attemptNumber\n      trigger\n      outcome\n      responseStatus\n      delivery { id }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookFields on Webhook {\n    id\n    name\n    url\n    type\n    topics\n    enabled\n    disabledReason\n    headers { name value }\n    hasBearerToken\n    timeoutSeconds\n    retryPolicy { maxRetries backoffSeconds strategy }\n    configuration {\n      echo\n      channelTypes\n      filters { field expression }\n      webengage { webhookUrl hasToken }\n    }\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment WebhookFields on Webhook {\n    id\n    name\n    url\n    type\n    topics\n    enabled\n    disabledReason\n    headers { name value }\n    hasBearerToken\n    timeoutSeconds\n    retryPolicy { maxRetries backoffSeconds strategy }\n    configuration {\n      echo\n      channelTypes\n      filters { field expression }\n      webengage { webhookUrl hasToken }\n    }\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookSuccess { signingSecret webhook { ...WebhookFields } }\n      ... on ValidationError { message code fieldErrors { path message } }\n      ... on ConflictError { message code existingWebhook { id url topics } }\n      ... on ForbiddenError { message code requiredScope }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookSuccess { signingSecret webhook { ...WebhookFields } }\n      ... on ValidationError { message code fieldErrors { path message } }\n      ... on ConflictError { message code existingWebhook { id url topics } }\n      ... on ForbiddenError { message code requiredScope }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      __typename\n      ... on UpdateWebhookSuccess { webhook { ...WebhookFields } }\n      ... on ValidationError { message code fieldErrors { path message } }\n      ... on NotFoundError { message code id }\n      ... on ConflictError { message code existingWebhook { id } }\n      ... on ForbiddenError { message code requiredScope }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      __typename\n      ... on UpdateWebhookSuccess { webhook { ...WebhookFields } }\n      ... on ValidationError { message code fieldErrors { path message } }\n      ... on NotFoundError { message code id }\n      ... on ConflictError { message code existingWebhook { id } }\n      ... on ForbiddenError { message code requiredScope }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetWebhook($id: ID!) {\n    webhook(id: $id) { ...WebhookFields }\n  }\n"): (typeof documents)["\n  query GetWebhook($id: ID!) {\n    webhook(id: $id) { ...WebhookFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id) {\n      __typename\n      ... on DeleteWebhookSuccess { deletedWebhookId }\n      ... on NotFoundError { id code }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id) {\n      __typename\n      ... on DeleteWebhookSuccess { deletedWebhookId }\n      ... on NotFoundError { id code }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer { tenantId tenantName scopes }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer { tenantId tenantName scopes }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseForTest($id: ID!) {\n    pauseWebhook(id: $id) { __typename ... on PauseWebhookSuccess { webhook { id pausedAt } } }\n  }\n"): (typeof documents)["\n  mutation PauseForTest($id: ID!) {\n    pauseWebhook(id: $id) { __typename ... on PauseWebhookSuccess { webhook { id pausedAt } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeForTest($id: ID!) {\n    resumeWebhook(id: $id) { __typename ... on PauseWebhookSuccess { webhook { id pausedAt held { count } } } }\n  }\n"): (typeof documents)["\n  mutation ResumeForTest($id: ID!) {\n    resumeWebhook(id: $id) { __typename ... on PauseWebhookSuccess { webhook { id pausedAt held { count } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookCounts($id: ID!) {\n    webhook(id: $id) {\n      all: deliveries(first: 1) { totalCount }\n      succeeded: deliveries(first: 1, status: SUCCEEDED) { totalCount }\n      stats { attempts succeeded failed }\n    }\n  }\n"): (typeof documents)["\n  query WebhookCounts($id: ID!) {\n    webhook(id: $id) {\n      all: deliveries(first: 1) { totalCount }\n      succeeded: deliveries(first: 1, status: SUCCEEDED) { totalCount }\n      stats { attempts succeeded failed }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookTotalCount {\n    webhooks { totalCount }\n  }\n"): (typeof documents)["\n  query WebhookTotalCount {\n    webhooks { totalCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FreshRowsPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n"): (typeof documents)["\n  mutation FreshRowsPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FreshRowsAttempts($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id delivery { id webhook { id name } } }\n  }\n"): (typeof documents)["\n  subscription FreshRowsAttempts($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id delivery { id webhook { id name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription KeepsUpAttempts {\n    deliveryAttempts { id webhookId outcome startedAt attemptNumber delivery { id status } }\n  }\n"): (typeof documents)["\n  subscription KeepsUpAttempts {\n    deliveryAttempts { id webhookId outcome startedAt attemptNumber delivery { id status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SharingCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) { __typename ... on CreateApiKeySuccess { key } }\n  }\n"): (typeof documents)["\n  mutation SharingCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) { __typename ... on CreateApiKeySuccess { key } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SharingPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n"): (typeof documents)["\n  mutation SharingPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SharingWithSecret($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id webhookId delivery { webhook { id signingSecret } } }\n  }\n"): (typeof documents)["\n  subscription SharingWithSecret($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id webhookId delivery { webhook { id signingSecret } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveAttemptDeliveries {\n    deliveryAttempts { id delivery { id status attemptCount } }\n  }\n"): (typeof documents)["\n  subscription LiveAttemptDeliveries {\n    deliveryAttempts { id delivery { id status attemptCount } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveDeliveries($webhookId: ID) {\n    deliveryUpdated(webhookId: $webhookId) { id webhookId status attemptCount }\n  }\n"): (typeof documents)["\n  subscription LiveDeliveries($webhookId: ID) {\n    deliveryUpdated(webhookId: $webhookId) { id webhookId status attemptCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LiveRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) { __typename }\n  }\n"): (typeof documents)["\n  mutation LiveRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LiveRevoke($id: ID!) {\n    revokeApiKey(id: $id) { __typename }\n  }\n"): (typeof documents)["\n  mutation LiveRevoke($id: ID!) {\n    revokeApiKey(id: $id) { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LiveKeyIds {\n    apiKeys { id prefix }\n  }\n"): (typeof documents)["\n  query LiveKeyIds {\n    apiKeys { id prefix }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LiveViewer { viewer { tenantId } }"): (typeof documents)["query LiveViewer { viewer { tenantId } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OperationalEventDeliveries($id: ID!) {\n    event(id: $id) { id topic payload deliveries { webhookId } }\n  }\n"): (typeof documents)["\n  query OperationalEventDeliveries($id: ID!) {\n    event(id: $id) { id topic payload deliveries { webhookId } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OperationalEventsOfTopic($topic: String!) {\n    events(first: 1, topic: $topic) { totalCount }\n  }\n"): (typeof documents)["\n  query OperationalEventsOfTopic($topic: String!) {\n    events(first: 1, topic: $topic) { totalCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OperationalGatewayEvents {\n    gatewayEvents { id topic payload createdAt }\n  }\n"): (typeof documents)["\n  subscription OperationalGatewayEvents {\n    gatewayEvents { id topic payload createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OrderingPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { event { id orderingKey deliveries { id webhookId status orderingKey } } }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation OrderingPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { event { id orderingKey deliveries { id webhookId status orderingKey } } }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrderingEvent($id: ID!) {\n    event(id: $id) { deliveries { id webhookId status orderingKey waitingFor { id status } } }\n  }\n"): (typeof documents)["\n  query OrderingEvent($id: ID!) {\n    event(id: $id) { deliveries { id webhookId status orderingKey waitingFor { id status } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrderingWaiting($webhookId: ID!) {\n    deliveries(filter: { webhookId: $webhookId, status: WAITING }) { totalCount edges { node { id status } } }\n  }\n"): (typeof documents)["\n  query OrderingWaiting($webhookId: ID!) {\n    deliveries(filter: { webhookId: $webhookId, status: WAITING }) { totalCount edges { node { id status } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OrderingPause($id: ID!) { pauseWebhook(id: $id) { __typename } }\n"): (typeof documents)["\n  mutation OrderingPause($id: ID!) { pauseWebhook(id: $id) { __typename } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OrderingResume($id: ID!) { resumeWebhook(id: $id) { __typename } }\n"): (typeof documents)["\n  mutation OrderingResume($id: ID!) { resumeWebhook(id: $id) { __typename } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OrderingRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation OrderingRedeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HeldForTest($id: ID!) {\n    webhook(id: $id) {\n      pausedAt\n      enabled\n      held { count oldestAt }\n      deliveries(first: 10) { nodes { id status failureReason event { id } } }\n    }\n  }\n"): (typeof documents)["\n  query HeldForTest($id: ID!) {\n    webhook(id: $id) {\n      pausedAt\n      enabled\n      held { count oldestAt }\n      deliveries(first: 10) { nodes { id status failureReason event { id } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClusterAttempts($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id attemptNumber outcome responseStatus delivery { id } }\n  }\n"): (typeof documents)["\n  subscription ClusterAttempts($webhookId: ID) {\n    deliveryAttempts(webhookId: $webhookId) { id attemptNumber outcome responseStatus delivery { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClusterKeys {\n    apiKeys { id prefix }\n  }\n"): (typeof documents)["\n  query ClusterKeys {\n    apiKeys { id prefix }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClusterRevoke($id: ID!) {\n    revokeApiKey(id: $id) { __typename }\n  }\n"): (typeof documents)["\n  mutation ClusterRevoke($id: ID!) {\n    revokeApiKey(id: $id) { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MultiInstanceAttempts {\n    deliveryAttempts { id }\n  }\n"): (typeof documents)["\n  subscription MultiInstanceAttempts {\n    deliveryAttempts { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RestartAttempts {\n    deliveryAttempts { id eventId }\n  }\n"): (typeof documents)["\n  subscription RestartAttempts {\n    deliveryAttempts { id eventId }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RestartKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeySuccess { key apiKey { id } }\n    }\n  }\n"): (typeof documents)["\n  mutation RestartKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeySuccess { key apiKey { id } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TooNested {\n    webhooks(first: 100) {\n      nodes {\n        deliveries(first: 100) {\n          nodes { attempts { id delivery { webhook { deliveries(first: 100) { nodes { id } } } } } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TooNested {\n    webhooks(first: 100) {\n      nodes {\n        deliveries(first: 100) {\n          nodes { attempts { id delivery { webhook { deliveries(first: 100) { nodes { id } } } } } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrdinaryPage {\n    webhooks(first: 100) {\n      totalCount\n      edges { cursor node { id name url topics deliveries(first: 10) { totalCount nodes { id status attempts { id outcome } } } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query OrdinaryPage {\n    webhooks(first: 100) {\n      totalCount\n      edges { cursor node { id name url topics deliveries(first: 10) { totalCount nodes { id status attempts { id outcome } } } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TooDeep {\n    webhooks(first: 1) { nodes { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { id } } } } } } } } } } } } }\n  }\n"): (typeof documents)["\n  query TooDeep {\n    webhooks(first: 1) { nodes { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { webhook { deliveries(first: 1) { nodes { id } } } } } } } } } } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LimitedCreate($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookSuccess { webhook { id } }\n      ... on RateLimitedError { message code retryAfterSeconds }\n    }\n  }\n"): (typeof documents)["\n  mutation LimitedCreate($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookSuccess { webhook { id } }\n      ... on RateLimitedError { message code retryAfterSeconds }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LimitedSearch { webhooks(filter: { search: \"/rl/3\" }) { totalCount } }"): (typeof documents)["query LimitedSearch { webhooks(filter: { search: \"/rl/3\" }) { totalCount } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReceiverControlDeliveries($id: ID!) {\n    event(id: $id) {\n      deliveries { webhookId status attempts { outcome responseStatus receiverDirective } }\n    }\n  }\n"): (typeof documents)["\n  query ReceiverControlDeliveries($id: ID!) {\n    event(id: $id) {\n      deliveries { webhookId status attempts { outcome responseStatus receiverDirective } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecoverDeliveries($webhookId: ID!, $since: DateTime!, $until: DateTime, $dryRun: Boolean) {\n    recoverDeliveries(webhookId: $webhookId, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on RecoverDeliveriesSuccess { dryRun count deliveries { id status attemptCount } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"): (typeof documents)["\n  mutation RecoverDeliveries($webhookId: ID!, $since: DateTime!, $until: DateTime, $dryRun: Boolean) {\n    recoverDeliveries(webhookId: $webhookId, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on RecoverDeliveriesSuccess { dryRun count deliveries { id status attemptCount } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplayEvents($webhookId: ID!, $since: DateTime!, $until: DateTime, $dryRun: Boolean) {\n    replayEvents(webhookId: $webhookId, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on ReplayEventsSuccess { dryRun count events { id } deliveries { id webhookId event { id } } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"): (typeof documents)["\n  mutation ReplayEvents($webhookId: ID!, $since: DateTime!, $until: DateTime, $dryRun: Boolean) {\n    replayEvents(webhookId: $webhookId, since: $since, until: $until, dryRun: $dryRun) {\n      __typename\n      ... on ReplayEventsSuccess { dryRun count events { id } deliveries { id webhookId event { id } } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n      ... on ForbiddenError { requiredScope }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Deliveries($filter: DeliveryFilter, $first: Int, $after: String) {\n    deliveries(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id status webhookId event { id topic } attempts { trigger } }\n    }\n  }\n"): (typeof documents)["\n  query Deliveries($filter: DeliveryFilter, $first: Int, $after: String) {\n    deliveries(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id status webhookId event { id topic } attempts { trigger } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RecoveryViewer { viewer { tenantId } }"): (typeof documents)["query RecoveryViewer { viewer { tenantId } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RedeliverInFlight($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on RedeliverSuccess { delivery { id status } }\n    }\n  }\n"): (typeof documents)["\n  mutation RedeliverInFlight($id: ID!) {\n    redeliver(deliveryId: $id) {\n      __typename\n      ... on RedeliverSuccess { delivery { id status } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRetriesForRedeliver($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) { __typename }\n  }\n"): (typeof documents)["\n  mutation UpdateRetriesForRedeliver($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AttemptsOf($id: ID!) {\n    delivery(id: $id) { status attempts { attemptNumber trigger outcome } }\n  }\n"): (typeof documents)["\n  query AttemptsOf($id: ID!) {\n    delivery(id: $id) { status attempts { attemptNumber trigger outcome } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation QuotaPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id } }\n      ... on StorageQuotaExceededError { code message limitBytes usedBytes }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation QuotaPublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { deliveryCount event { id } }\n      ... on StorageQuotaExceededError { code message limitBytes usedBytes }\n      ... on ValidationError { fieldErrors { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QuotaUsage {\n    viewer { storage { usedBytes limitBytes } }\n    events(first: 1) { totalCount }\n  }\n"): (typeof documents)["\n  query QuotaUsage {\n    viewer { storage { usedBytes limitBytes } }\n    events(first: 1) { totalCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QuotaWebhookDeliveries($id: ID!) {\n    webhook(id: $id) { deliveries(first: 1) { totalCount } }\n  }\n"): (typeof documents)["\n  query QuotaWebhookDeliveries($id: ID!) {\n    webhook(id: $id) { deliveries(first: 1) { totalCount } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CacheRotate($id: ID!) {\n    rotateSigningSecret(id: $id, overlapSeconds: 0) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret }\n    }\n  }\n"): (typeof documents)["\n  mutation CacheRotate($id: ID!) {\n    rotateSigningSecret(id: $id, overlapSeconds: 0) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventAttemptHeaders($id: ID!) {\n    event(id: $id) {\n      deliveries { attempts { requestHeaders { name value } } }\n    }\n  }\n"): (typeof documents)["\n  query EventAttemptHeaders($id: ID!) {\n    event(id: $id) {\n      deliveries { attempts { requestHeaders { name value } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateVersioned($id: ID!, $input: UpdateWebhookInput!, $expectedUpdatedAt: DateTime) {\n    updateWebhook(id: $id, input: $input, expectedUpdatedAt: $expectedUpdatedAt) {\n      __typename\n      ... on UpdateWebhookSuccess { webhook { id name updatedAt } }\n      ... on ConflictError { code reason message existingWebhook { id name updatedAt } }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateVersioned($id: ID!, $input: UpdateWebhookInput!, $expectedUpdatedAt: DateTime) {\n    updateWebhook(id: $id, input: $input, expectedUpdatedAt: $expectedUpdatedAt) {\n      __typename\n      ... on UpdateWebhookSuccess { webhook { id name updatedAt } }\n      ... on ConflictError { code reason message existingWebhook { id name updatedAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateOwn($id: ID!, $overlapSeconds: Int, $signingSecret: String) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds, signingSecret: $signingSecret) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret previousSecretExpiresAt webhook { updatedAt } }\n      ... on ValidationError { message fieldErrors { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateOwn($id: ID!, $overlapSeconds: Int, $signingSecret: String) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds, signingSecret: $signingSecret) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret previousSecretExpiresAt webhook { updatedAt } }\n      ... on ValidationError { message fieldErrors { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query VersionsSecret($id: ID!) { webhook(id: $id) { signingSecret updatedAt } }"): (typeof documents)["query VersionsSecret($id: ID!) { webhook(id: $id) { signingSecret updatedAt } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhooksBySearch($search: String!) {\n    webhooks(filter: { search: $search }) { totalCount nodes { id } }\n  }\n"): (typeof documents)["\n  query WebhooksBySearch($search: String!) {\n    webhooks(filter: { search: $search }) { totalCount nodes { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhooksPage($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookFilter) {\n    webhooks(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      edges { cursor node { id name } }\n      nodes { id }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query WebhooksPage($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookFilter) {\n    webhooks(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      totalCount\n      edges { cursor node { id name } }\n      nodes { id }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateSecret($id: ID!, $overlapSeconds: Int) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret previousSecretExpiresAt webhook { id updatedAt } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateSecret($id: ID!, $overlapSeconds: Int) {\n    rotateSigningSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      __typename\n      ... on RotateSigningSecretSuccess { signingSecret previousSecretExpiresAt webhook { id updatedAt } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on NotFoundError { id }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;