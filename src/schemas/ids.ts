import { z } from 'zod';
import { ENDPOINT_ID, SIGNAL_ID, TENANT_ID } from '../../workflows/ids';

/** Ids end up in workflow ids and URLs, so each is checked against its pattern wherever it comes in. */
export const tenantIdSchema = z.string().regex(TENANT_ID, 'must be a tenant id (ten_…)');
export const endpointIdSchema = z.string().regex(ENDPOINT_ID, 'must be an endpoint id (ep_…)');
export const signalIdSchema = z
  .string()
  .regex(SIGNAL_ID, 'must be 1-100 characters of A-Z, a-z, 0-9, "_" or "-"');
