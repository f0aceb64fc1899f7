import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isAbstractType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
} from 'graphql';
import type { Context } from './context.ts';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      audit: AuditPlugin<Types>;
    }
  }
}

/** The type a mutation answered with: its result union's member, as GraphQL will resolve it. */
async function typenameOf(result: unknown, context: Context, info: GraphQLResolveInfo): Promise<string> {
  const type = getNullableType(info.returnType);
  if (isObjectType(type)) return type.name;
  if (isAbstractType(type) && type.resolveType && result != null) {
    const name = await type.resolveType(result, context, info, type);
    if (typeof name === 'string') return name;
  }
  return 'UNKNOWN';
}

/** A top-level error's code (BAD_USER_INPUT, DATABASE_UNAVAILABLE, ...), or ERROR. */
function outcomeOfError(error: unknown): string {
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code === 'string' ? code : 'ERROR';
}

/** The id it acted on: its first ID argument, or else the id of what its answer holds (a created webhook, key, event). */
function targetOf(args: Record<string, unknown>, result: unknown, info: GraphQLResolveInfo): string | null {
  const field = info.parentType.getFields()[info.fieldName];
  for (const arg of field?.args ?? []) {
    const value = args[arg.name];
    if (getNamedType(arg.type).name === 'ID' && typeof value === 'string') return value;
  }
  if (result && typeof result === 'object' && !(result instanceof Error)) {
    for (const value of Object.values(result)) {
      const id = value && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
      if (typeof id === 'string') return id;
    }
  }
  return null;
}

/**
 * The audit trail (issue 26 item 7): every Mutation field, whoever wrote it, records one row
 * after it resolves: the key, the field's name, the id it acted on, its arguments (credentials
 * redacted, domain/audit.ts) and the type it answered with. Listed first, so it wraps outermost:
 * the errors plugin has already turned a refusal (scope, validation, not found) into its union
 * member, and the row says which.
 *
 * The row is written after the mutation's own transaction, not in it: each service owns its
 * transaction, and the answer's type is known only once the resolver returns. The gap: a
 * process that dies between the two commits, or a database that refuses the second, leaves a
 * change without its row; the failure is logged (error level), and the answer still goes out,
 * since the change is committed and an error would invite a retry of it.
 *
 * A RateLimitedError is not recorded: the call did nothing, and a row per refusal would make the
 * rate limit's refusals cost a write each, which is what the limit is there to bound.
 */
export class AuditPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.parentType !== 'Mutation') return resolver;
    return async (parent, args, context, info) => {
      const ctx = context as Context;
      const record = async (result: unknown, outcome: string) => {
        if (outcome === 'RateLimitedError') return;
        const { principal } = ctx;
        try {
          await ctx.services.audit.record({
            tenantId: principal.tenantId,
            keyId: principal.keyId,
            keyPrefix: principal.keyPrefix,
            mutation: info.fieldName,
            targetId: targetOf(args as Record<string, unknown>, result, info),
            args: args as Record<string, unknown>,
            outcome,
          });
        } catch (error) {
          ctx.logger.error({ err: error, mutation: info.fieldName, keyId: principal.keyId, outcome }, 'audit log entry not written');
        }
      };
      let result: unknown;
      try {
        result = await resolver(parent, args, context, info);
      } catch (error) {
        await record(null, outcomeOfError(error));
        throw error;
      }
      await record(result, await typenameOf(result, ctx, info));
      return result;
    };
  }
}

SchemaBuilder.registerPlugin('audit', AuditPlugin);

export default 'audit' as const;
