import { Router } from 'express';
import type { Intake } from '../../deliveries/accept-event';
import { newSignalId } from '../../../workflows/ids';
import type { AddressPolicy } from '../../net/address-policy';
import { signalIntakeSchema } from '../../schemas/event-intake';
import { parse } from '../validate';
import { acceptOrNotFound, callbackUrlOf } from './intake';

/** `POST /v1/signals`: PQ Intel's flat signal, the shorthand for a `buying_signal` event. */
export function signalRoutes(intake: Intake, policy: AddressPolicy): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const { tenant_id: tenantId, signal_id: givenId, ...fields } = parse(signalIntakeSchema, req.body);
    const callbackUrl = await callbackUrlOf(req, policy);
    const data = { signal_id: givenId ?? newSignalId(), ...fields };
    const result = await acceptOrNotFound(
      intake,
      tenantId,
      { id: data.signal_id, type: 'buying_signal', occurredAt: data.timestamp, data },
      callbackUrl,
    );
    res.status(202).json({
      signal_id: result.event_id,
      deliveries: result.deliveries,
      ...(result.callback ? { callback: result.callback } : {}),
    });
  });
  return router;
}
