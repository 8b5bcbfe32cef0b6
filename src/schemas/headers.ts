import { z } from 'zod';

/** An HTTP field name (RFC 9110 token). */
export const headerNameSchema = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'must be an HTTP header name (letters, digits, "-")');

/**
 * Headers signal-push sets itself, or that change how the request is framed or routed: a custom
 * value could forge a signature, smuggle a second request or send it elsewhere.
 */
const RESERVED = new Set([
  'host',
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

export function reservedHeaderProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (RESERVED.has(lower) || lower.startsWith('x-signal-push-') || lower.startsWith('proxy-')) {
    return 'is set by signal-push and cannot be overridden';
  }
  return undefined;
}

/** No CR, LF or NUL (header injection), nothing outside visible ASCII, space and tab. */
const headerValueSchema = z
  .string()
  .max(4096)
  .regex(/^[\t\x20-\x7e]*$/, 'must be visible ASCII, spaces or tabs (no line breaks)');

export const MAX_CUSTOM_HEADERS = 20;

/** The endpoint owner's own request headers, e.g. an `Authorization` token the receiver expects. */
export const customHeadersSchema = z.record(z.string(), headerValueSchema).superRefine((headers, ctx) => {
  const names = Object.keys(headers);
  if (names.length > MAX_CUSTOM_HEADERS) {
    ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_CUSTOM_HEADERS} headers` });
  }
  const seen = new Set<string>();
  for (const name of names) {
    const problem = headerNameSchema.safeParse(name).success
      ? (reservedHeaderProblem(name) ??
        (seen.has(name.toLowerCase()) ? 'is given twice (header names ignore case)' : undefined))
      : 'must be an HTTP header name (letters, digits, "-")';
    seen.add(name.toLowerCase());
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
});
