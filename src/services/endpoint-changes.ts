import type { Client } from '@temporalio/client';
import { newSecret, secretProblem } from '../../activities/signature-schemes';
import type { EndpointRecord, TenantRecord } from '../../workflows/records';
import { newEndpointId } from '../../workflows/ids';
import type { DeliverySettings } from '../deliveries/start-deliveries';
import { buildEndpoint, endpointProblems, patchedEndpoint } from '../endpoints/endpoint-settings';
import type { AddressPolicy } from '../net/address-policy';
import type { EndpointCreate, EndpointPatchBody, RotateSecret } from '../schemas/endpoint';
import type { FieldProblem } from '../schemas/field-problem';
import type { EndpointHealthClient } from '../store/endpoint-health';
import { EndpointRuleBroken } from '../store/workflow-answers';
import type { TenantStore } from '../store/tenant-store';
import { Refusal, refuseProblems } from './refusal';
import { requireReachable } from './require-reachable';
import { requireWithinLimits } from './require-within-limits';

/**
 * Creating, changing, deleting an endpoint and rotating its secret: one implementation for the API
 * and the customer portal, so both check a URL, a plan's limits and the tenant's rules alike. Bad
 * input is thrown as a `Refusal` naming the fields; an endpoint the tenant lacks is `undefined`.
 */
export interface EndpointChangeDeps {
  store: TenantStore;
  health: EndpointHealthClient;
  client: Client;
  policy: AddressPolicy;
  delivery: DeliverySettings;
}

function requireConsistent(problems: FieldProblem[]): void {
  if (problems.length > 0) refuseProblems(400, 'validation_failed', 'invalid request: ', problems);
}

/** The tenant-wide rules of the tenant workflow, as refusals the client can act on. */
async function withEndpointRules<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof EndpointRuleBroken)) throw error;
    if (error.rule === 'label_taken') {
      throw new Refusal(409, 'label_taken', 'another endpoint of this tenant has that label', [
        { field: 'label', problem: 'is taken by another endpoint of this tenant' },
      ]);
    }
    if (error.rule === 'quota_reached') {
      throw new Refusal(409, 'endpoint_quota_reached', error.message, [
        { field: '(tenant)', problem: error.message },
      ]);
    }
    throw new Refusal(413, 'limit_exceeded', error.message, [
      { field: error.rule === 'tenant_full' ? '(tenant)' : '(endpoint)', problem: error.message },
    ]);
  }
}

/** A new endpoint from a validated create body; its answer is the only one with the whole secret. */
export async function createEndpoint(
  deps: EndpointChangeDeps,
  tenant: TenantRecord,
  body: EndpointCreate,
): Promise<EndpointRecord> {
  const endpoint = buildEndpoint(body, {
    id: newEndpointId(),
    tenantId: tenant.id,
    plan: tenant.plan,
    signatureHeader: deps.delivery.signatureHeader,
    now: new Date().toISOString(),
  });
  requireConsistent(endpointProblems(endpoint, tenant.plan));
  await requireWithinLimits(deps.client, endpoint);
  await requireReachable(endpoint.url, deps.policy, 'url');
  const created = await withEndpointRules(() => deps.store.createEndpoint(endpoint));
  await deps.health.start(created);
  return created;
}

/** Applies a validated patch; `undefined` when the tenant has no such endpoint. */
export async function changeEndpoint(
  deps: EndpointChangeDeps,
  tenant: TenantRecord,
  endpointId: string,
  patch: EndpointPatchBody,
): Promise<EndpointRecord | undefined> {
  const current = await deps.store.getEndpoint(tenant.id, endpointId);
  if (!current) return undefined;
  const merged = patchedEndpoint(current, patch);
  requireConsistent(endpointProblems(merged, tenant.plan));
  await requireWithinLimits(deps.client, merged);
  if (patch.url !== undefined) await requireReachable(patch.url, deps.policy, 'url');
  const { signature, ...rest } = patch;
  const endpoint = await withEndpointRules(() =>
    deps.store.patchEndpoint(tenant.id, current.id, {
      ...rest,
      ...(signature ? { signature: merged.signature } : {}),
    }),
  );
  // A new threshold, or self-healing turned on (which starts probing an endpoint the streak holds paused).
  if (endpoint && (patch.pause_threshold !== undefined || patch.auto_resume === true)) {
    await deps.health.configure(current.id, endpoint.pause_threshold);
  }
  return endpoint;
}

/** False when the tenant has no such endpoint. */
export async function deleteEndpoint(
  deps: Pick<EndpointChangeDeps, 'store' | 'health'>,
  tenantId: string,
  endpointId: string,
): Promise<boolean> {
  const deleted = await deps.store.deleteEndpoint(tenantId, endpointId);
  if (deleted) await deps.health.retire(endpointId);
  return deleted;
}

/** A day of overlap lets every receiver deploy the new Standard Webhooks secret. */
const STANDARD_WEBHOOKS_OVERLAP_SECONDS = 24 * 60 * 60;

export interface RotatedSecret {
  secret: string;
  previous_secret_expires_at: string | null;
}

/**
 * A new signing secret; the old one stays valid for the overlap (both signatures are sent, space-
 * separated), then only the new one signs. `undefined` when the tenant has no such endpoint.
 */
export async function rotateEndpointSecret(
  store: TenantStore,
  tenantId: string,
  endpointId: string,
  body: RotateSecret,
): Promise<RotatedSecret | undefined> {
  const endpoint = await store.getEndpoint(tenantId, endpointId);
  if (!endpoint) return undefined;
  const { scheme } = endpoint.signature;
  const secret = body.secret ?? newSecret(scheme === 'none' ? 'hex' : scheme);
  const problem = scheme === 'none' ? undefined : secretProblem(scheme, secret);
  if (problem) {
    throw new Refusal(400, 'validation_failed', `invalid request: secret: ${problem}`, [
      { field: 'secret', problem },
    ]);
  }
  const overlap =
    body.overlap_seconds ?? (scheme === 'standard_webhooks' ? STANDARD_WEBHOOKS_OVERLAP_SECONDS : 0);
  const previous =
    endpoint.secret !== null && overlap > 0
      ? { secret: endpoint.secret, expires_at: new Date(Date.now() + overlap * 1000).toISOString() }
      : null;
  const updated = await store.patchEndpoint(tenantId, endpoint.id, { secret, previous_secret: previous });
  if (!updated) return undefined;
  return { secret, previous_secret_expires_at: previous?.expires_at ?? null };
}
