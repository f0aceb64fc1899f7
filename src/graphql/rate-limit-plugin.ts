import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      rateLimit: RateLimitPlugin<Types>;
    }
  }
}

/**
 * Every mutation first takes a token from the caller's bucket (`context.rateLimit()`). Listed
 * after the errors and scope-auth plugins, so it runs once the key is authorised and its
 * RateLimitedError comes back as a member of the mutation's result union.
 */
export class RateLimitPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.parentType !== 'Mutation') return resolver;
    return async (parent, args, context, info) => {
      // Awaited: with several instances on Postgres the bucket is a row in the database.
      await (context as { rateLimit: () => void | Promise<void> }).rateLimit();
      return resolver(parent, args, context, info);
    };
  }
}

SchemaBuilder.registerPlugin('rateLimit', RateLimitPlugin);

export default 'rateLimit' as const;
