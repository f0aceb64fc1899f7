import { z } from 'zod';
import { ValidationError, type FieldError } from '../errors.ts';

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Whether a string is Unicode that UTF-8 can carry. JSON admits half a surrogate pair on its own
 * ("\ud800"); SQLite stores text as UTF-8 and would hand back U+FFFD in its place, so a value
 * would silently read back other than it was sent.
 */
export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

export const NOT_WELL_FORMED = 'must be valid Unicode text (no unpaired surrogate)';

/** A string that is stored as it was sent. */
export const text = () => z.string().refine(isWellFormed, NOT_WELL_FORMED);

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
