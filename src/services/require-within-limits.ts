import type { Client } from '@temporalio/client';
import type { EndpointRecord } from '../../workflows/records';
import { endpointLimitProblems, recordLimitProblem } from '../endpoints/endpoint-limits';
import { encodedPayloadBytes } from '../temporal/encoded-size';
import { refuseProblems } from './refusal';

/**
 * Refuses, before anything is written, an endpoint record that breaks a size limit: 413 naming each
 * field over its limit, and the limit.
 */
export async function requireWithinLimits(client: Client, endpoint: EndpointRecord): Promise<void> {
  const problems = endpointLimitProblems(endpoint);
  if (problems.length === 0) {
    const whole = recordLimitProblem(await encodedPayloadBytes(client, endpoint));
    if (whole) problems.push(whole);
  }
  if (problems.length > 0) refuseProblems(413, 'limit_exceeded', 'endpoint too large: ', problems);
}
