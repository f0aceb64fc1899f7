import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import {
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLResolveInfo,
} from 'graphql';
import { DEFAULT_STRING_MAX_LENGTH, jsonTooDeep, stringLimits, tooDeep, tooLong } from '../domain/input-limits.ts';
import { ValidationError, type FieldError } from '../domain/errors.ts';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      inputLimits: InputLimitsPlugin<Types>;
    }
  }
}

/** Every string, id and JSON value of a field's arguments against src/domain/input-limits.ts. */
export function inputLimitProblems(
  field: GraphQLField<unknown, unknown>,
  parentTypeName: string,
  args: Record<string, unknown>,
): FieldError[] {
  const problems: FieldError[] = [];
  const check = (value: unknown, type: GraphQLInputType, coordinate: string, path: string[]) => {
    if (value === null || value === undefined) return;
    if (isNonNullType(type)) return check(value, type.ofType, coordinate, path);
    if (isListType(type)) {
      if (Array.isArray(value)) for (const [index, item] of value.entries()) check(item, type.ofType, coordinate, [...path, String(index)]);
      return;
    }
    if (isInputObjectType(type)) {
      for (const inner of Object.values(type.getFields())) {
        check((value as Record<string, unknown>)[inner.name], inner.type, `${type.name}.${inner.name}`, [...path, inner.name]);
      }
      return;
    }
    if (!isScalarType(type)) return;
    if (type.name === 'JSON') {
      if (jsonTooDeep(value)) problems.push({ path, message: tooDeep });
    } else if (typeof value === 'string') {
      const max = stringLimits[coordinate] ?? DEFAULT_STRING_MAX_LENGTH;
      if (value.length > max) problems.push({ path, message: tooLong(max) });
    }
  };
  for (const arg of field.args) check(args[arg.name], arg.type, `${parentTypeName}.${field.name}(${arg.name})`, [arg.name]);
  return problems;
}

function refusal(problems: FieldError[]): GraphQLError {
  return new GraphQLError(problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`).join('; '), {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

function problemsOf(info: GraphQLResolveInfo, args: object): FieldError[] {
  const field = info.parentType.getFields()[info.fieldName];
  return field ? inputLimitProblems(field, info.parentType.name, args as Record<string, unknown>) : [];
}

/**
 * Refuses a field whose arguments go past the input limits before its resolver (or a
 * subscription's subscribe) runs: a ValidationError in the result union of a mutation that has
 * one, a BAD_USER_INPUT error otherwise. Listed after the errors plugin, so the union catches it.
 */
export class InputLimitsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.args && Object.keys(fieldConfig.args).length === 0) return resolver;
    if (fieldConfig.parentType === 'Subscription') return resolver;
    const errorTypes = (fieldConfig.pothosOptions as { errors?: { types?: unknown[] } }).errors?.types ?? [];
    const typed = fieldConfig.parentType === 'Mutation' && errorTypes.includes(ValidationError);
    return (parent, args, context, info) => {
      const problems = problemsOf(info, args);
      if (problems.length > 0) throw typed ? new ValidationError(problems) : refusal(problems);
      return resolver(parent, args, context, info);
    };
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    if (!subscribe) return subscribe;
    return (parent, args, context, info) => {
      const problems = problemsOf(info, args);
      if (problems.length > 0) throw refusal(problems);
      return subscribe(parent, args, context, info);
    };
  }
}

SchemaBuilder.registerPlugin('inputLimits', InputLimitsPlugin);

export default 'inputLimits' as const;
