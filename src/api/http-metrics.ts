import type { RequestHandler } from 'express';
import type { ServiceMetrics } from '../metrics/service-metrics';
import { routePattern } from './route-pattern';

/**
 * Counts and times each API request under its route pattern (`/v1/endpoints/:id`), never its path,
 * so ids do not become labels; a request no route matched is `unmatched`.
 */
export function httpMetrics(metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = routePattern(req) ?? 'unmatched';
      const labels = { method: req.method, route };
      stop(labels);
      metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
    });
    next();
  };
}
