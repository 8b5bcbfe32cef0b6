import { DELIVERY_ID, ENDPOINT_ID, SIGNAL_ID } from '../../../workflows/ids';
import { notFound } from '../errors';

/** A malformed id cannot name anything, so it answers like an unknown one. */
export function endpointIdParam(value: string | undefined): string {
  if (!value || !ENDPOINT_ID.test(value)) throw notFound('endpoint');
  return value;
}

export function deliveryIdParam(value: string | undefined): string {
  if (!value || !DELIVERY_ID.test(value)) throw notFound('delivery');
  return value;
}

export function signalIdParam(value: string | undefined): string {
  if (!value || !SIGNAL_ID.test(value)) throw notFound('signal');
  return value;
}
