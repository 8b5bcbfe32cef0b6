import type { Request } from 'express';
import type { AcceptedEvent } from '../../deliveries/render-for-endpoint';
import type { Intake, IntakeResult } from '../../deliveries/accept-event';
import { acceptEvent } from '../../deliveries/accept-event';
import type { AddressPolicy } from '../../net/address-policy';
import { intakeQuerySchema } from '../../schemas/event-intake';
import { HttpError } from '../errors';
import { requireReachable } from '../../services/require-reachable';
import { parse } from '../validate';

/** The `?webhook_url=` of an intake call, checked like an endpoint URL. */
export async function callbackUrlOf(req: Request, policy: AddressPolicy): Promise<string | undefined> {
  const { webhook_url: url } = parse(intakeQuerySchema, req.query, 'query');
  if (url !== undefined) await requireReachable(url, policy, 'query.webhook_url');
  return url;
}

/** Accepts an event for a tenant, or answers 404 naming `tenant_id`. */
export async function acceptOrNotFound(
  intake: Intake,
  tenantId: string,
  event: AcceptedEvent,
  callbackUrl: string | undefined,
): Promise<IntakeResult> {
  const result = await acceptEvent(intake, tenantId, event, callbackUrl);
  if (!result) {
    throw new HttpError(404, 'tenant_not_found', 'tenant not found', [
      { field: 'tenant_id', problem: 'names no tenant' },
    ]);
  }
  return result;
}
