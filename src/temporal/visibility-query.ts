import type { DeliveryStatus } from '../../workflows/delivery-contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import { endpointConfigWorkflow } from '../../workflows/endpoint-config';
import { searchAttributes } from '../../workflows/search-attribute-keys';

/**
 * Every Temporal visibility query the service, the API and the CLI send is built here. Values go in
 * as string literals with their quotes escaped, so no value can end its literal and widen the query,
 * whatever validated it before. Backslashes, double quotes and control characters are refused:
 * Temporal's parser reads `\'` as a quote and `\\` as an escaped pair, yet the dev server compares
 * the value with both backslashes kept, so no spelling finds a stored backslash (nor a double
 * quote), and a value ending in one (`x\`) would end its literal early; none of our ids hold them.
 */

/** Workflow types as Temporal records them: the names of the functions the service starts. */
export const DELIVERY_WORKFLOW_TYPE = deliveryWorkflow.name;
export const ENDPOINT_CONFIG_WORKFLOW_TYPE = endpointConfigWorkflow.name;

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

/** A search attribute (ours, by its key, or one of Temporal's own, by name) compared with a value. */
const compare = (attribute: { name: string } | string, operator: '=' | '>=', value: string): string =>
  `${typeof attribute === 'string' ? attribute : attribute.name} ${operator} ${literal(value)}`;

/** An instant as visibility compares it: UTC, to the millisecond. */
const instant = (iso: string): string => new Date(iso).toISOString();

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
  const clauses = [compare('WorkflowType', '=', DELIVERY_WORKFLOW_TYPE)];
  if (filter.tenantId) clauses.push(compare(searchAttributes.tenantId, '=', filter.tenantId));
  if (filter.endpointId) clauses.push(compare(searchAttributes.endpointId, '=', filter.endpointId));
  if (filter.status) clauses.push(compare(searchAttributes.deliveryStatus, '=', filter.status));
  if (filter.signalId) clauses.push(compare(searchAttributes.signalId, '=', filter.signalId));
  if (filter.startedSince) clauses.push(compare('StartTime', '>=', instant(filter.startedSince)));
  if (filter.deadLetteredSince) {
    clauses.push(compare(searchAttributes.deadLetteredAt, '>=', instant(filter.deadLetteredSince)));
  }
  if (userQuery) clauses.push(`(${userQuery})`);
  return clauses.join(' AND ');
}

/** The running endpoint config workflows of a tenant (the repair command's inventory). */
export function endpointConfigQuery(tenantId: string): string {
  return [
    compare('WorkflowType', '=', ENDPOINT_CONFIG_WORKFLOW_TYPE),
    compare(searchAttributes.tenantId, '=', tenantId),
    compare('ExecutionStatus', '=', 'Running'),
  ].join(' AND ');
}
