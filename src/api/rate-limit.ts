import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { bearer } from './auth';
import { HttpError } from './errors';

/**
 * Requests per minute per API key (or per client address when no key is given), so one client
 * cannot starve the others. Counts are kept in this process: behind N API replicas a key gets up
 * to N times the limit.
 */
export function apiRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const key = bearer(req.headers.authorization);
      // The store holds a digest, never a usable key.
      if (key) return `key:${createHash('sha256').update(key).digest('hex')}`;
      return `ip:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? '')}`;
    },
    handler: (_req, _res, next) => {
      next(new HttpError(429, 'rate_limited', `more than ${perMinute} requests a minute; retry later`));
    },
  });
}
