import type { AddressPolicy } from '../net/address-policy';
import { checkEndpointUrl } from '../net/check-endpoint-url';
import { Refusal } from './refusal';

/** A URL the worker would refuse to reach is refused when given, so the tenant learns it at once. */
export async function requireReachable(url: string, policy: AddressPolicy, field: string): Promise<void> {
  const problem = await checkEndpointUrl(url, policy);
  if (!problem) return;
  throw new Refusal(400, 'validation_failed', `invalid request: ${field}: ${problem}`, [{ field, problem }]);
}
