import { Router } from 'express';
import type { EndpointHealthState, EndpointRecord } from '../../../workflows/contract';
import { retryScheduleSeconds } from '../../deliveries/retry-schedule';
import { newEndpointId, newSigningSecret } from '../../ids';
import type { OutboundSettings } from '../../net/address-policy';
import { AddressPolicy, warnIfRelaxed } from '../../net/address-policy';
import { checkEndpointUrl } from '../../net/check-endpoint-url';
import type { Client } from '@temporalio/client';
import { listDeadLetters, replayDelivery } from '../../deliveries/read-deliveries';
import { endpointCreateSchema, endpointPatchSchema, endpointReplaySchema } from '../../schemas/endpoint';
import type { EndpointHealthClient } from '../../store/endpoint-health';
import type { TenantStore } from '../../store/tenant-store';
import { tenantOf } from '../auth';
import { HttpError, notFound } from '../errors';
import { parse } from '../validate';
import { endpointIdParam } from './params';

function healthView(state: EndpointHealthState) {
  return {
    paused: state.paused,
    consecutive_failures: state.consecutiveFailures,
    held_deliveries: state.heldDeliveryIds.length,
  };
}

/** What a tenant sees of an endpoint: everything but the secret, of which only a hint is shown. */
export function endpointView(endpoint: EndpointRecord) {
  const { secret, ...rest } = endpoint;
  return {
    ...rest,
    secret_hint: `…${secret.slice(-4)}`,
    retry_schedule_seconds: retryScheduleSeconds(endpoint.retry_policy),
  };
}

/** Bulk replays take at most this many dead letters per call; call again for the rest. */
const MAX_BULK_REPLAY = 500;

/** A URL the worker would refuse to reach is refused when saved, so the tenant learns it at once. */
async function requireReachable(url: string, policy: AddressPolicy): Promise<void> {
  const problem = await checkEndpointUrl(url, policy);
  if (!problem) return;
  throw new HttpError(400, 'validation_failed', `invalid request: url: ${problem}`, [
    { field: 'url', problem },
  ]);
}

export function endpointRoutes(
  store: TenantStore,
  health: EndpointHealthClient,
  client: Client,
  outbound: OutboundSettings,
): Router {
  const router = Router();
  const policy = new AddressPolicy(outbound);
  warnIfRelaxed(policy);
  const owned = async (tenantId: string, id: string | undefined) => {
    const endpoint = await store.getEndpoint(tenantId, endpointIdParam(id));
    if (!endpoint) throw notFound('endpoint');
    return endpoint;
  };

  router.post('/', async (req, res) => {
    const body = parse(endpointCreateSchema, req.body);
    await requireReachable(body.url, policy);
    const tenant = tenantOf(res);
    const now = new Date().toISOString();
    const id = newEndpointId();
    const endpoint = await store.createEndpoint({
      id,
      tenant_id: tenant.id,
      url: body.url,
      label: body.label ?? id,
      enabled: body.enabled,
      secret: body.secret ?? newSigningSecret(),
      filters: body.filters,
      retry_policy: body.retry_policy,
      timeout_seconds: body.timeout_seconds,
      pause_threshold: body.pause_threshold,
      dead_letter_queue: body.dead_letter_queue,
      health: { paused: null, failing: false },
      created_at: now,
      updated_at: now,
    });
    await health.start(endpoint);
    // The only answer that carries the secret in full.
    res.status(201).json({ ...endpointView(endpoint), secret: endpoint.secret });
  });

  router.get('/', async (_req, res) => {
    const endpoints = await store.listEndpoints(tenantOf(res).id);
    res.json({ endpoints: endpoints.map(endpointView) });
  });

  router.get('/:id', async (req, res) => {
    const endpoint = await owned(tenantOf(res).id, req.params.id);
    const state = await health.get(endpoint.id);
    res.json({
      ...endpointView(endpoint),
      consecutive_failures: state?.consecutiveFailures ?? 0,
      held_deliveries: state?.heldDeliveryIds.length ?? 0,
    });
  });

  router.patch('/:id', async (req, res) => {
    const id = endpointIdParam(req.params.id);
    const patch = parse(endpointPatchSchema, req.body);
    if (patch.url !== undefined) await requireReachable(patch.url, policy);
    const endpoint = await store.patchEndpoint(tenantOf(res).id, id, patch);
    if (!endpoint) throw notFound('endpoint');
    if (patch.pause_threshold !== undefined) await health.configure(id, patch.pause_threshold);
    res.json(endpointView(endpoint));
  });

  router.delete('/:id', async (req, res) => {
    const id = endpointIdParam(req.params.id);
    const deleted = await store.deleteEndpoint(tenantOf(res).id, id);
    if (!deleted) throw notFound('endpoint');
    await health.retire(id);
    res.status(204).end();
  });

  // The health workflow mirrors this into the store too, but only after the answer: writing it here
  // means a signal sent right after the answer already finds the endpoint paused (or resumed).
  const mirrorHealth = (state: EndpointHealthState) =>
    store.setEndpointHealth(state.tenantId, state.endpointId, {
      paused: state.paused,
      failing: state.consecutiveFailures > 0,
    });

  router.post('/:id/pause', async (req, res) => {
    const endpoint = await owned(tenantOf(res).id, req.params.id);
    const state = await health.pause(endpoint.id, 'manual');
    await mirrorHealth(state);
    res.json(healthView(state));
  });

  router.post('/:id/resume', async (req, res) => {
    const endpoint = await owned(tenantOf(res).id, req.params.id);
    const state = await health.resume(endpoint.id);
    await mirrorHealth(state);
    res.json(healthView(state));
  });

  /** Replays every dead letter of the endpoint, or those dead-lettered since a time. */
  router.post('/:id/replay', async (req, res) => {
    const tenantId = tenantOf(res).id;
    const endpoint = await owned(tenantId, req.params.id);
    const { since } = parse(endpointReplaySchema, req.body ?? {});
    const deadLetters = await listDeadLetters(client, tenantId, {
      endpoint_id: endpoint.id,
      since,
      limit: MAX_BULK_REPLAY,
    });
    const outcomes = await Promise.all(deadLetters.map((d) => replayDelivery(client, tenantId, d.id)));
    const replayed = deadLetters.filter((_, i) => outcomes[i] === 'replayed').map((d) => d.id);
    res.status(202).json({ replayed: replayed.length, delivery_ids: replayed });
  });

  return router;
}
