import { z } from 'zod';

/** Strips the wrappers that change whether a field is present, not what it holds. */
function unwrap(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) {
    inner = inner.unwrap() as z.ZodType;
  }
  return inner;
}

/**
 * The dotted path of every field an object schema names, nested objects included
 * (`prospect`, `prospect.name`, …). Arrays and records are leaves: a payload format addresses
 * them whole.
 */
export function fieldPathsOf(schema: z.ZodType, prefix = ''): string[] {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return [];
  return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, field]) => {
    const path = prefix + key;
    return [path, ...fieldPathsOf(field, `${path}.`)];
  });
}
