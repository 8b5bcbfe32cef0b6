import { Router } from 'express';
import type { Intake } from '../../deliveries/accept-event';
import { eventTypeSpec } from '../../events';
import { newEventId, newSignalId } from '../../../workflows/ids';
import type { AddressPolicy } from '../../net/address-policy';
import { eventIntakeSchema } from '../../schemas/event-intake';
import { HttpError } from '../errors';
import { parse } from '../validate';
import { acceptOrNotFound, callbackUrlOf } from './intake';

/** `POST /v1/events`: any catalogued event, `{tenant_id, type, id?, occurred_at?, data}`. */
export function eventRoutes(intake: Intake, policy: AddressPolicy): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const body = parse(eventIntakeSchema, req.body);
    const spec = eventTypeSpec(body.type)!;
    const data = parse(spec.schema, body.data, 'data');
    const callbackUrl = await callbackUrlOf(req, policy);
    // Seeds that carry the id in the body (PQ Intel's and Siggnal's signal_id) keep it there too.
    const idInData = spec.idField ? data[spec.idField] : undefined;
    if (body.id !== undefined && idInData !== undefined && idInData !== body.id) {
      throw new HttpError(
        400,
        'validation_failed',
        `invalid request: data.${spec.idField}: differs from id`,
        [{ field: `data.${spec.idField}`, problem: 'differs from id; give one or make them equal' }],
      );
    }
    const id = body.id ?? (idInData as string | undefined) ?? (spec.idField ? newSignalId() : newEventId());
    const occurredAt =
      body.occurred_at ?? (typeof data.timestamp === 'string' ? data.timestamp : new Date().toISOString());
    const result = await acceptOrNotFound(
      intake,
      body.tenant_id,
      { id, type: body.type, occurredAt, data: spec.idField ? { ...data, [spec.idField]: id } : data },
      callbackUrl,
    );
    res.status(202).json(result);
  });
  return router;
}
