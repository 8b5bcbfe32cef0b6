import type { Request } from 'express';

/**
 * The route pattern that answered a request (`/v1/endpoints/:id`), never its path, so ids do not
 * become metric labels or span names; `undefined` when no route matched. Known once the answer is
 * sent.
 */
export function routePattern(req: Request): string | undefined {
  if (!req.route) return undefined;
  // A router's own root ('/') adds a trailing slash to its mount path: `/v1/signals/`.
  return `${req.baseUrl}${req.route.path as string}`.replace(/(.)\/$/, '$1');
}
