import { graphql } from '../gql/index.ts';

/*
 * Operations shared by several test files. Each is typed by codegen from schema/schema.graphql,
 * so a test that drifts from the schema fails to type-check.
 */

export const WebhookFields = graphql(`
  fragment WebhookFields on Webhook {
    id
    name
    url
    type
    topics
    enabled
    disabledReason
    headers { name value }
    hasBearerToken
    timeoutSeconds
    retryPolicy { maxRetries backoffSeconds strategy }
    configuration {
      echo
      channelTypes
      filters { field expression }
      webengage { webhookUrl hasToken }
    }
    createdAt
    updatedAt
  }
`);

export const CreateWebhook = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      __typename
      ... on CreateWebhookSuccess { signingSecret webhook { ...WebhookFields } }
      ... on ValidationError { message code fieldErrors { path message } }
      ... on ConflictError { message code existingWebhook { id url topics } }
      ... on ForbiddenError { message code requiredScope }
    }
  }
`);

export const UpdateWebhook = graphql(`
  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {
    updateWebhook(id: $id, input: $input) {
      __typename
      ... on UpdateWebhookSuccess { webhook { ...WebhookFields } }
      ... on ValidationError { message code fieldErrors { path message } }
      ... on NotFoundError { message code id }
      ... on ConflictError { message code existingWebhook { id } }
      ... on ForbiddenError { message code requiredScope }
    }
  }
`);

export const GetWebhook = graphql(`
  query GetWebhook($id: ID!) {
    webhook(id: $id) { ...WebhookFields }
  }
`);

export const DeleteWebhook = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id) {
      __typename
      ... on DeleteWebhookSuccess { deletedWebhookId }
      ... on NotFoundError { id code }
      ... on ForbiddenError { requiredScope }
    }
  }
`);

export const Viewer = graphql(`
  query Viewer {
    viewer { tenantId tenantName scopes }
  }
`);

export const Pause = graphql(`
  mutation PauseForTest($id: ID!) {
    pauseWebhook(id: $id) { __typename ... on PauseWebhookSuccess { webhook { id pausedAt } } }
  }
`);

export const Resume = graphql(`
  mutation ResumeForTest($id: ID!) {
    resumeWebhook(id: $id) { __typename ... on PauseWebhookSuccess { webhook { id pausedAt held { count } } } }
  }
`);
