/**
 * The contract of the tenant workflow since endpoints live in workflows of their own: the tenant
 * keeps its record and a bounded index of its endpoints, and answers the tenant-wide rules (quota,
 * unique labels, total size) one write at a time.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { EndpointHealthSummary, EndpointRecord, TenantPlan, TenantRecord } from './records';

/** What the tenant knows of one endpoint; the record itself is in its endpoint config workflow. */
export interface EndpointIndexEntry {
  label: string;
  /** The record's revision as last written: a cached copy with another revision is stale. */
  revision: number;
  health: EndpointHealthSummary;
}

export interface TenantState {
  tenant: TenantRecord;
  endpointIndex?: Record<string, EndpointIndexEntry>;
  /**
   * Endpoint records as the version before endpoint config workflows kept them in the tenant's own
   * state; the service moves each to a workflow of its own on first read (`adoptLegacyEndpointsUpdate`).
   */
  endpoints?: Record<string, EndpointRecord>;
  /** Absent until the operator first revokes a portal link. */
  portalRevocations?: PortalRevocations;
}

/**
 * An endpoint as the index query answers it: without its label, which only the tenant's own rules
 * need, so that reading a tenant of a thousand endpoints moves a tenth of its state.
 */
export interface IndexedEndpoint extends Omit<EndpointIndexEntry, 'label'> {
  id: string;
  /** Still kept in the tenant's state (`legacyEndpointsQuery`), not yet in a workflow of its own. */
  legacy: boolean;
}

/**
 * No plan raises a tenant past this many endpoints: each costs a workflow and an index entry, and a
 * tenant's intake reads them all.
 */
export const HARD_MAX_ENDPOINTS = 1000;

/**
 * The tenant's JSON-encoded state stays under this: half of Temporal's 2 MB payload limit, so the
 * state always fits a continue-as-new and a query answer, with the codec's overhead on top.
 */
export const MAX_TENANT_STATE_JSON_BYTES = 1024 * 1024;

/** Failure type of a write that would take the tenant's state past MAX_TENANT_STATE_JSON_BYTES. */
export const TENANT_STATE_FULL = 'TenantStateFull';

export interface RegisterEndpointInput {
  id: string;
  label: string;
  revision: number;
  health: EndpointHealthSummary;
}

export interface RelabelEndpointInput {
  id: string;
  label: string;
}

export interface EndpointRevisionInput {
  id: string;
  revision: number;
}

export interface RemoveEndpointInput {
  id: string;
}

export interface AdoptLegacyEndpointsInput {
  /** Endpoints whose config workflow now holds the record (at revision 1). */
  ids: string[];
}

export const endpointIndexQuery = defineQuery<IndexedEndpoint[]>('endpointIndexQuery');
export const legacyEndpointsQuery = defineQuery<EndpointRecord[]>('legacyEndpointsQuery');
export const registerEndpointUpdate = defineUpdate<void, [RegisterEndpointInput]>('registerEndpointUpdate');
export const relabelEndpointUpdate = defineUpdate<void, [RelabelEndpointInput]>('relabelEndpointUpdate');
export const endpointRevisionUpdate = defineUpdate<void, [EndpointRevisionInput]>('endpointRevisionUpdate');
export const removeEndpointUpdate = defineUpdate<void, [RemoveEndpointInput]>('removeEndpointUpdate');
export const adoptLegacyEndpointsUpdate = defineUpdate<void, [AdoptLegacyEndpointsInput]>(
  'adoptLegacyEndpointsUpdate',
);

export interface SetEndpointHealthInput {
  id: string;
  health: EndpointHealthSummary;
}

export interface RotateApiKeyInput {
  /** SHA-256 of the new key, hex; from the update on, only this key opens the tenant's routes. */
  apiKeyHash: string;
}

/** Failure type thrown by tenant updates when the endpoint does not exist. */
export const ENDPOINT_NOT_FOUND = 'EndpointNotFound';

/** Failure type of a create or rename to a label another endpoint of the tenant has. */
export const ENDPOINT_LABEL_TAKEN = 'EndpointLabelTaken';

/** Failure type of a create beyond the tenant plan's endpoint quota. */
export const ENDPOINT_QUOTA_REACHED = 'EndpointQuotaReached';

export const tenantQuery = defineQuery<TenantRecord>('tenantQuery');

export const setEndpointHealthUpdate = defineUpdate<void, [SetEndpointHealthInput]>(
  'setEndpointHealthUpdate',
);

export const rotateApiKeyUpdate = defineUpdate<void, [RotateApiKeyInput]>('rotateApiKeyUpdate');

/** An operator's change to a tenant: its name, its plan, or both. */
export interface ChangeTenantInput {
  name?: string;
  plan?: TenantPlan;
  signalCompletedEvents?: boolean;
}

/** Failure type of a plan whose endpoint quota is below the endpoints the tenant has. */
export const PLAN_BELOW_USAGE = 'PlanBelowUsage';

export const changeTenantUpdate = defineUpdate<TenantRecord, [ChangeTenantInput]>('changeTenantUpdate');

/**
 * Customer portal links the operator revoked before they ran out: each one's session id with its
 * expiry (after which it needs no entry), and the generation links are issued in now; revoking
 * every link starts the next, and links of earlier generations open nothing. A counter, not a time:
 * no clock of the API's is compared with the workflow's.
 */
export interface PortalRevocations {
  sessions: Record<string, string>;
  generation: number;
}

/** Revoke one link (`sessionId` and its `expiresAt`), or every link issued so far (`all`). */
export type RevokePortalInput = { sessionId: string; expiresAt: string } | { all: true };

/** Revoked links kept one by one; past this, a revocation revokes every link issued so far instead. */
export const MAX_PORTAL_REVOCATIONS = 200;

export const portalRevocationsQuery = defineQuery<PortalRevocations>('portalRevocationsQuery');
export const revokePortalUpdate = defineUpdate<PortalRevocations, [RevokePortalInput]>('revokePortalUpdate');
