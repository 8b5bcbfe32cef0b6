import type { DeliveryStatus } from '../../workflows/delivery-contract';

/**
 * Every Temporal visibility query the service, the API and the CLI send is built here. Values go in
 * as string literals with their quotes escaped, so no value can end its literal and widen the query,
 * whatever validated it before. Backslashes, double quotes and control characters are refused:
 * Temporal's parser reads `\'` as a quote, but no spelling of a backslash or a double quote found a
 * stored one on the dev server, and none of our ids can hold them.
 */

export const DELIVERY_WORKFLOW_TYPE = 'deliveryWorkflow';
export const ENDPOINT_CONFIG_WORKFLOW_TYPE = 'endpointConfigWorkflow';

export class UnsafeQueryValue extends Error {
  constructor() {
    super('a visibility query value may not contain backslashes, double quotes or control characters');
  }
}

/** `value` as a visibility query string literal. */
export function literal(value: string): string {
  if (/[\\"\u0000-\u001f\u007f]/.test(value)) throw new UnsafeQueryValue();
  return `'${value.replace(/'/g, "\\'")}'`;
}

export interface DeliveryFilter {
  tenantId?: string | undefined;
  endpointId?: string | undefined;
  status?: DeliveryStatus | undefined;
  signalId?: string | undefined;
  /** ISO instant; compared with the delivery's start. */
  startedSince?: string | undefined;
  /** ISO instant; compared with when it was dead-lettered. */
  deadLetteredSince?: string | undefined;
}

/**
 * The query for deliveries matching `filter`; an operator's own `userQuery` (checked for balanced
 * quotes and parentheses by the CLI) is ANDed last, inside parentheses.
 */
export function deliveryQuery(filter: DeliveryFilter, userQuery?: string): string {
  const clauses = [`WorkflowType = ${literal(DELIVERY_WORKFLOW_TYPE)}`];
  if (filter.tenantId) clauses.push(`TenantId = ${literal(filter.tenantId)}`);
  if (filter.endpointId) clauses.push(`EndpointId = ${literal(filter.endpointId)}`);
  if (filter.status) clauses.push(`DeliveryStatus = ${literal(filter.status)}`);
  if (filter.signalId) clauses.push(`SignalId = ${literal(filter.signalId)}`);
  if (filter.startedSince)
    clauses.push(`StartTime >= ${literal(new Date(filter.startedSince).toISOString())}`);
  if (filter.deadLetteredSince) {
    clauses.push(`DeadLetteredAt >= ${literal(new Date(filter.deadLetteredSince).toISOString())}`);
  }
  if (userQuery) clauses.push(`(${userQuery})`);
  return clauses.join(' AND ');
}

/** The running endpoint config workflows of a tenant (the repair command's inventory). */
export function endpointConfigQuery(tenantId: string): string {
  return [
    `WorkflowType = ${literal(ENDPOINT_CONFIG_WORKFLOW_TYPE)}`,
    `TenantId = ${literal(tenantId)}`,
    `ExecutionStatus = 'Running'`,
  ].join(' AND ');
}
