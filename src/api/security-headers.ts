import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Headers for an API that answers JSON only: nothing in it may be framed, sniffed as another type,
 * or run as a page, and no answer may be cached, because answers carry API keys, signing secrets
 * and prospects' personal data.
 */
export function securityHeaders(): RequestHandler[] {
  const noStore: RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  return [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      frameguard: { action: 'deny' },
    }),
    noStore,
  ];
}
