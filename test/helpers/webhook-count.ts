import { graphql } from '../gql/index.ts';

/** How many webhooks the caller's tenant has: a refused create must leave it unchanged. */
export const WebhookTotalCount = graphql(`
  query WebhookTotalCount {
    webhooks { totalCount }
  }
`);
