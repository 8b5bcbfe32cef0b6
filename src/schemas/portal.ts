import { z } from 'zod';
import { PORTAL_SESSION_ID } from '../auth/portal-tokens';

/** No portal link lasts longer than a day: it is a bearer credential that may sit in a mail or chat. */
export const MAX_PORTAL_LINK_SECONDS = 24 * 60 * 60;
export const MIN_PORTAL_LINK_SECONDS = 60;

export const portalLinkSecondsSchema = z.coerce
  .number()
  .int()
  .min(MIN_PORTAL_LINK_SECONDS)
  .max(MAX_PORTAL_LINK_SECONDS);

export const portalSessionCreateSchema = z.strictObject({
  /** How long the link, and the portal session it opens, lasts; the service's default otherwise. */
  ttl_seconds: portalLinkSecondsSchema.optional(),
});

export const portalSessionIdSchema = z
  .string()
  .regex(PORTAL_SESSION_ID, 'must be a portal session id (ps_ and 16 hex digits)');
