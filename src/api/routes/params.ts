import { notFound } from '../errors';

/** A malformed id cannot name anything, so it answers like an unknown one. */
export function endpointIdParam(value: string | undefined): string {
  if (!value || !/^ep_[0-9a-f]{16}$/.test(value)) throw notFound('endpoint');
  return value;
}

export function deliveryIdParam(value: string | undefined): string {
  if (!value || !/^dlv_(ep|cb)_[0-9a-f]{16}_[A-Za-z0-9_-]{1,110}$/.test(value)) throw notFound('delivery');
  return value;
}
