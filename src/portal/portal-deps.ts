import type { Response } from 'express';
import type { EndpointRecord } from '../../workflows/records';
import type { PageCursors } from '../api/page-cursor';
import type { DeliveryStarts } from '../deliveries/start-deliveries';
import type { EndpointChangeDeps } from '../services/endpoint-changes';
import type { PortalSessionDeps } from '../services/portal-sessions';
import { Refusal } from '../services/refusal';
import { ENDPOINT_ID } from '../../workflows/ids';
import { sessionOf } from './portal-auth';

/** The services the portal calls: the same ones, with the same settings, as the API's routes. */
export interface PortalDeps extends EndpointChangeDeps {
  sessions: PortalSessionDeps;
  deliveryStarts: DeliveryStarts;
  cursors: PageCursors;
  frameAncestors: readonly string[];
}

export const pageNotFound = (what: string): Refusal => new Refusal(404, 'not_found', `${what} not found`);

/** One of the signed-in tenant's endpoints, or a 404 page: another tenant's is as absent as none. */
export async function ownedEndpoint(
  deps: PortalDeps,
  res: Response,
  id: string | undefined,
): Promise<EndpointRecord> {
  const { tenant } = sessionOf(res);
  const endpoint = id && ENDPOINT_ID.test(id) ? await deps.store.getEndpoint(tenant.id, id) : undefined;
  if (!endpoint) throw pageNotFound('endpoint');
  return endpoint;
}
