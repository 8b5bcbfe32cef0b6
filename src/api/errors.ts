import { isGrpcServiceError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import { serviceLog } from '../log/service-log';
import { Refusal } from '../services/refusal';
import { TenantUnavailable } from '../store/tenant-calls';

/** gRPC CANCELLED, DEADLINE_EXCEEDED and UNAVAILABLE. */
const TEMPORARY_GRPC_CODES = new Set([1, 4, 14]);

/** The SDK wraps gRPC errors (a failed query is a ServiceError whose cause is the gRPC error). */
function isTemporaryGrpcFailure(error: unknown): boolean {
  let current = error;
  for (let depth = 0; current && depth < 4; depth++) {
    if (isGrpcServiceError(current) && TEMPORARY_GRPC_CODES.has(current.code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * An error the client can act on: its status and JSON body are what the client sees. A service's
 * `Refusal` is answered the same way.
 */
export class HttpError extends Refusal {}

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found`);

export const invalidJson = (): HttpError =>
  new HttpError(400, 'invalid_json', 'request body is not valid JSON', [
    { field: '(body)', problem: 'is not valid JSON' },
  ]);

export function validationError(error: z.ZodError, prefix?: string): HttpError {
  const fields = error.issues.flatMap(closestIssues).map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    problem: issue.message,
  }));
  const summary = fields.map((field) => `${field.field}: ${field.problem}`).join('; ');
  return new HttpError(400, 'validation_failed', `invalid request: ${summary}`, fields);
}

/**
 * A value that fits none of a union's shapes (a retry policy that is neither a backoff nor a list of
 * delays) is reported against the shape it came closest to, so the client learns which field is off.
 */
function closestIssues(issue: z.core.$ZodIssue): Array<Pick<z.core.$ZodIssue, 'path' | 'message'>> {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
  if (closest.length === 0) return [issue];
  return closest.flatMap(closestIssues).map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
}

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

/** A body that is not JSON would otherwise reach the handlers as "missing": say what is wrong. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    next(new HttpError(415, 'unsupported_media_type', 'request body must be application/json'));
    return;
  }
  next();
};

/** Every error becomes JSON; internals are logged, never returned. */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const known = toHttpError(error);
  if (known) {
    if (known.status === 503) res.set('Retry-After', '5');
    res.status(known.status).json({
      error: { code: known.code, message: known.message, ...(known.fields ? { fields: known.fields } : {}) },
    });
    return;
  }
  serviceLog().error({ error }, 'unhandled API error');
  res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
};

/** Errors raised by body-parser carry a status and a type. */
function toHttpError(error: unknown): Refusal | undefined {
  if (error instanceof Refusal) return error;
  if (error instanceof TenantUnavailable) {
    // Only this tenant: its workflow cannot answer until an operator repairs it.
    return new HttpError(
      503,
      'tenant_unavailable',
      `this tenant's configuration cannot be read or written (${error.reason}); other tenants are not affected. An operator can run \`signal-push tenants repair ${error.tenantId}\``,
    );
  }
  if (isTemporaryGrpcFailure(error)) {
    // Temporal, or every worker, is out of reach: nothing was decided, so the client may retry.
    return new HttpError(503, 'unavailable', 'the delivery engine is not answering; retry shortly');
  }
  const { status, type } = (error ?? {}) as { status?: number; type?: string };
  if (type === 'entity.parse.failed') return invalidJson();
  if (type === 'entity.too.large') return new HttpError(413, 'body_too_large', 'request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new HttpError(415, 'unsupported_encoding', 'request body encoding is not supported');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, 'bad_request', 'bad request');
  }
  return undefined;
}
