import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { routePattern } from './route-pattern';

/**
 * A server span for each API request, named by its route (`POST /v1/signals`), and active while
 * the request is handled, so the workflow starts it makes are its children. A caller's own
 * `traceparent` makes it part of the caller's trace. Mounted only when tracing is on.
 */
export function requestSpan(): RequestHandler {
  const tracer = trace.getTracer('signal-push-api');
  return (req, res, next) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          // The path only: a query string may carry a callback URL and its token.
          'url.path': req.path,
          'http.request.header.x-request-id': [String(res.getHeader('x-request-id') ?? '')],
        },
      },
      parent,
    );
    res.once('close', () => {
      const route = routePattern(req);
      if (route) {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500 || !res.writableFinished) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: res.writableFinished ? undefined : 'closed early',
        });
      }
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
