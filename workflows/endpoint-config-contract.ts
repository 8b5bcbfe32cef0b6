/**
 * The contract of the endpoint configuration workflow: one per endpoint, holding its record. Each
 * endpoint lives in a workflow of its own so that no tenant's state grows with its endpoints' size.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { EndpointPatch, EndpointRecord } from './records';

export interface EndpointConfigState {
  record: EndpointRecord;
  /** Counts the record's writes; the tenant's index carries it so readers know a cached copy is stale. */
  revision: number;
}

export interface PatchEndpointRecordInput {
  /** The tenant the caller acts for: a record of another tenant answers as not found. */
  tenantId: string;
  patch: EndpointPatch;
  updatedAt: string;
}

export interface RetireEndpointConfigInput {
  tenantId: string;
}

/**
 * A JSON-encoded record larger than this is refused by the workflow itself, whoever sends it; the
 * service's own limits (src/endpoints/endpoint-limits.ts) are tighter and checked before the write.
 */
export const MAX_ENDPOINT_RECORD_JSON_BYTES = 256 * 1024;

/** Failure type of a write whose result would exceed MAX_ENDPOINT_RECORD_JSON_BYTES. */
export const ENDPOINT_RECORD_TOO_LARGE = 'EndpointRecordTooLarge';

export const endpointRecordQuery = defineQuery<EndpointConfigState>('endpointRecordQuery');
export const patchEndpointRecordUpdate = defineUpdate<EndpointConfigState, [PatchEndpointRecordInput]>(
  'patchEndpointRecordUpdate',
);
export const retireEndpointConfigUpdate = defineUpdate<void, [RetireEndpointConfigInput]>(
  'retireEndpointConfigUpdate',
);
