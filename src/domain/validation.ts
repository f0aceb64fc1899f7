import type { z } from 'zod';
import { ValidationError, type FieldError } from '../errors.ts';

export function fieldErrorsOf(error: z.ZodError, prefix: string[]): FieldError[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((part) => String(part))],
    message: issue.message,
  }));
}

/** Parses with a zod schema, or throws a ValidationError whose paths start at `prefix`. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix: string[]): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error, prefix));
  return result.data;
}
