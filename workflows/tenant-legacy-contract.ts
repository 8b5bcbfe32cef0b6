/**
 * Handles of the tenant workflow version that kept endpoint records in the tenant's own state: its
 * histories still carry them, so the tenant workflow keeps answering them (workflows/tenant-legacy.ts).
 */
import { defineUpdate } from '@temporalio/workflow';
import type { EndpointPatch, EndpointRecord } from './records';

export interface CreateEndpointInput {
  endpoint: EndpointRecord;
}

export interface PatchEndpointInput {
  id: string;
  patch: EndpointPatch;
  updatedAt: string;
}

export interface DeleteEndpointInput {
  id: string;
}

// The endpoint writes of the version that kept endpoint records in the tenant's state; only its
// histories still carry them (workflows/tenant-legacy.ts).
export const createEndpointUpdate = defineUpdate<EndpointRecord, [CreateEndpointInput]>(
  'createEndpointUpdate',
);

export const patchEndpointUpdate = defineUpdate<EndpointRecord, [PatchEndpointInput]>('patchEndpointUpdate');

export const deleteEndpointUpdate = defineUpdate<void, [DeleteEndpointInput]>('deleteEndpointUpdate');
