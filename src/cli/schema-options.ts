import type { z } from 'zod';
import { CliError, EXIT } from './errors';

/**
 * Checks what options make up (a tenant to create, a change) against the API's own schema, so the
 * CLI accepts exactly what the API does; a problem names the option, as the API names the field.
 * `optionOf` maps a field's path (`plan.max_endpoints`) to its option (`--max-endpoints`).
 */
export function parseAsApi<S extends z.ZodType>(
  schema: S,
  value: unknown,
  optionOf: Readonly<Record<string, string>>,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  const option = optionOf[field] ?? (field === '' ? 'options' : field);
  throw new CliError(`${option}: ${issue.message}`, EXIT.usage);
}

/** The options of a listing's page and range, by the API's query parameters. */
export const PAGE_OPTIONS = { since: '--since', until: '--until', limit: '--limit' } as const;
