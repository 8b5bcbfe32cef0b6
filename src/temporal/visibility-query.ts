import type { DeliveryStatus } from '../../workflows/delivery-contract';
import { deliveryWorkflow } from '../../workflows/delivery';
import { endpointConfigWorkflow } from '../../workflows/endpoint-config';
import { searchAttributes } from '../../workflows/search-attribute-keys';
import { tenantWorkflow } from '../../workflows/tenant';

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
export const TENANT_WORKFLOW_TYPE = tenantWorkflow.name;

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
const compare = (
  attribute: { name: string } | string,
  operator: '=' | '!=' | '>=' | '<' | '>',
  value: string,
): string => `${typeof attribute === 'string' ? attribute : attribute.name} ${operator} ${literal(value)}`;

/** An instant as visibility compares it: UTC, to the millisecond. */
const instant = (iso: string): string => new Date(iso).toISOString();

export interface DeliveryFilter {
  tenantId?: string | undefined;
  endpointId?: string | undefined;
  status?: DeliveryStatus | undefined;
  signalId?: string | undefined;
  eventType?: string | undefined;
  /** ISO instant; compared with the delivery's start. */
  startedSince?: string | undefined;
  /** ISO instant: only deliveries started before it. */
  startedUntil?: string | undefined;
  /** ISO instant; compared with when it was dead-lettered. */
  deadLetteredSince?: string | undefined;
  /** ISO instant: only those dead-lettered before it. */
  deadLetteredUntil?: string | undefined;
}

/** Where a listing in start order stopped: the last execution's start (to the nanosecond) and run id. */
export interface StartPosition {
  startTime: string;
  runId: string;
}

/**
 * Executions after `position` in the order visibility lists running ones in (newest start first,
 * then by run id): the clause a listing's next page adds.
 */
export const startedAfterPosition = ({ startTime, runId }: StartPosition): string =>
  `(${compare('StartTime', '<', startTime)} OR (${compare('StartTime', '=', startTime)} AND ${compare('RunId', '>', runId)}))`;

/** Running executions only, or ended ones only. */
export const runningClause = (running: boolean): string =>
  compare('ExecutionStatus', running ? '=' : '!=', 'Running');

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
  if (filter.eventType) clauses.push(compare(searchAttributes.eventType, '=', filter.eventType));
  if (filter.startedSince) clauses.push(compare('StartTime', '>=', instant(filter.startedSince)));
  if (filter.startedUntil) clauses.push(compare('StartTime', '<', instant(filter.startedUntil)));
  if (filter.deadLetteredSince) {
    clauses.push(compare(searchAttributes.deadLetteredAt, '>=', instant(filter.deadLetteredSince)));
  }
  if (filter.deadLetteredUntil) {
    clauses.push(compare(searchAttributes.deadLetteredAt, '<', instant(filter.deadLetteredUntil)));
  }
  if (userQuery) clauses.push(`(${userQuery})`);
  return clauses.join(' AND ');
}

/** A tenant's deliveries that have not ended (dead letters waiting for a replay among them). */
export const runningDeliveriesQuery = (tenantId: string): string =>
  [
    compare('WorkflowType', '=', DELIVERY_WORKFLOW_TYPE),
    compare(searchAttributes.tenantId, '=', tenantId),
    compare('ExecutionStatus', '=', 'Running'),
  ].join(' AND ');

/** Every running workflow of a tenant, whatever its type: what deleting it must leave none of. */
export const tenantWorkflowsQuery = (tenantId: string): string =>
  [compare(searchAttributes.tenantId, '=', tenantId), compare('ExecutionStatus', '=', 'Running')].join(
    ' AND ',
  );

/** Every tenant's workflow that runs, that is every tenant there is. */
/** The running tenant workflows of one deployment (its task queue: a namespace may hold others). */
export const tenantsQuery = (taskQueue: string): string =>
  [
    compare('WorkflowType', '=', TENANT_WORKFLOW_TYPE),
    compare('TaskQueue', '=', taskQueue),
    compare('ExecutionStatus', '=', 'Running'),
  ].join(' AND ');

/** The running endpoint config workflows of a tenant (the repair command's inventory). */
export function endpointConfigQuery(tenantId: string): string {
  return [
    compare('WorkflowType', '=', ENDPOINT_CONFIG_WORKFLOW_TYPE),
    compare(searchAttributes.tenantId, '=', tenantId),
    compare('ExecutionStatus', '=', 'Running'),
  ].join(' AND ');
}
