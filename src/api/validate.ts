import type { z } from 'zod';
import { validationError } from './errors';

/** Parses a request part against its schema; the handler gets the parsed value or a 400 is raised. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, prefix);
  return result.data;
}
