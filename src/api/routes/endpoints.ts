import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { setEndpointPaused } from '../../services/endpoint-pause';
import type { EndpointRecord } from '../../../workflows/records';
import type { DeliverySettings, DeliveryStarts } from '../../deliveries/start-deliveries';
import { replayDeadLetters } from '../../services/delivery-replay';
import { retryScheduleSeconds } from '../../deliveries/retry-schedule';
import { buildEndpoint, endpointProblems, patchedEndpoint } from '../../endpoints/endpoint-settings';
import { newEndpointId } from '../../../workflows/ids';
import type { AddressPolicy } from '../../net/address-policy';
import {
  endpointCreateSchema,
  endpointListQuerySchema,
  endpointPatchSchema,
  endpointReplaySchema,
} from '../../schemas/endpoint';
import { creationPage } from '../../services/creation-pages';
import type { PageCursors } from '../page-cursor';
import type { EndpointHealthClient } from '../../store/endpoint-health';
import { EndpointRuleBroken } from '../../store/workflow-answers';
import type { TenantStore } from '../../store/tenant-store';
import { tenantOf } from '../auth';
import { HttpError, notFound } from '../errors';
import type { FieldProblem } from '../../schemas/field-problem';
import { requireReachable } from '../require-reachable';
import { requireWithinLimits } from '../require-within-limits';
import { parse } from '../validate';
import { registerEndpointTools } from './endpoint-tools';
import { endpointIdParam } from './params';

/**
 * Last four characters: enough to tell two secrets apart, too few to use one. A short value (an API
 * key of a few characters) would show whole, so it shows nothing.
 */
const hint = (value: string): string => (value.length >= 16 ? `…${value.slice(-4)}` : '…');

/**
 * What a tenant sees of an endpoint: secrets and custom header values (an Authorization token)
 * only as hints; the full secret is shown once, when created or rotated.
 */
export function endpointView(endpoint: EndpointRecord) {
  const { secret, previous_secret: previous, headers, ...rest } = endpoint;
  return {
    ...rest,
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, hint(value)])),
    secret_hint: secret === null ? null : hint(secret),
    previous_secret_expires_at: previous?.expires_at ?? null,
    retry_schedule_seconds: retryScheduleSeconds(endpoint.retry_policy),
  };
}

/** Bulk replays take at most this many dead letters per call; call again for the rest. */
const MAX_BULK_REPLAY = 500;
/** Replays signalled at once by one bulk replay. */
const REPLAY_CONCURRENCY = 20;

function requireConsistent(problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  const summary = problems.map((p) => `${p.field}: ${p.problem}`).join('; ');
  throw new HttpError(400, 'validation_failed', `invalid request: ${summary}`, problems);
}

/** The tenant-wide rules of the tenant workflow, as answers the client can act on. */
async function withEndpointRules<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof EndpointRuleBroken)) throw error;
    if (error.rule === 'label_taken') {
      throw new HttpError(409, 'label_taken', 'another endpoint of this tenant has that label', [
        { field: 'label', problem: 'is taken by another endpoint of this tenant' },
      ]);
    }
    if (error.rule === 'quota_reached') {
      throw new HttpError(409, 'endpoint_quota_reached', error.message, [
        { field: '(tenant)', problem: error.message },
      ]);
    }
    throw new HttpError(413, 'limit_exceeded', error.message, [
      { field: error.rule === 'tenant_full' ? '(tenant)' : '(endpoint)', problem: error.message },
    ]);
  }
}

export interface EndpointRouteDeps {
  store: TenantStore;
  health: EndpointHealthClient;
  client: Client;
  policy: AddressPolicy;
  delivery: DeliverySettings;
  /** Send-tests start their delivery with it. */
  deliveryStarts: DeliveryStarts;
  cursors: PageCursors;
}

export function endpointRoutes(deps: EndpointRouteDeps): Router {
  const { store, health, client, policy } = deps;
  const router = Router();
  const owned = async (tenantId: string, id: string | undefined) => {
    const endpoint = await store.getEndpoint(tenantId, endpointIdParam(id));
    if (!endpoint) throw notFound('endpoint');
    return endpoint;
  };

  router.post('/', async (req, res) => {
    const body = parse(endpointCreateSchema, req.body);
    const tenant = tenantOf(res);
    const endpoint = buildEndpoint(body, {
      id: newEndpointId(),
      tenantId: tenant.id,
      plan: tenant.plan,
      signatureHeader: deps.delivery.signatureHeader,
      now: new Date().toISOString(),
    });
    requireConsistent(endpointProblems(endpoint, tenant.plan));
    await requireWithinLimits(client, endpoint);
    await requireReachable(endpoint.url, policy, 'url');
    const created = await withEndpointRules(() => store.createEndpoint(endpoint));
    await health.start(created);
    // The only answer that carries the secret in full.
    res.status(201).json({ ...endpointView(created), secret: created.secret });
  });

  router.get('/', async (req, res) => {
    const { limit, cursor, since, until } = parse(endpointListQuerySchema, req.query, 'query');
    const tenantId = tenantOf(res).id;
    const scope = ['endpoints', tenantId, since ?? null, until ?? null];
    const after = cursor === undefined ? undefined : deps.cursors.decodeCreation(scope, cursor);
    const page = creationPage(await store.listEndpoints(tenantId), limit, { after, since, until });
    res.json({
      endpoints: page.items.map(endpointView),
      next_cursor: page.next && deps.cursors.encode(scope, page.next),
    });
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
    const tenant = tenantOf(res);
    const patch = parse(endpointPatchSchema, req.body);
    const current = await owned(tenant.id, req.params.id);
    const merged = patchedEndpoint(current, patch);
    requireConsistent(endpointProblems(merged, tenant.plan));
    await requireWithinLimits(client, merged);
    if (patch.url !== undefined) await requireReachable(patch.url, policy, 'url');
    const { signature, ...rest } = patch;
    const endpoint = await withEndpointRules(() =>
      store.patchEndpoint(tenant.id, current.id, {
        ...rest,
        ...(signature ? { signature: merged.signature } : {}),
      }),
    );
    if (!endpoint) throw notFound('endpoint');
    if (patch.pause_threshold !== undefined || patch.auto_resume === true) {
      await health.configure(current.id, endpoint.pause_threshold);
    }
    res.json(endpointView(endpoint));
  });

  router.delete('/:id', async (req, res) => {
    const id = endpointIdParam(req.params.id);
    const deleted = await store.deleteEndpoint(tenantOf(res).id, id);
    if (!deleted) throw notFound('endpoint');
    await health.retire(id);
    res.status(204).end();
  });

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    router.post(`/:id/${action}`, async (req, res) => {
      const view = await setEndpointPaused(
        { store, health },
        tenantOf(res).id,
        endpointIdParam(req.params.id),
        paused,
      );
      if (!view) throw notFound('endpoint');
      res.json(view);
    });
  }

  /** Replays every dead letter of the endpoint, or those dead-lettered since a time. */
  router.post('/:id/replay', async (req, res) => {
    const tenantId = tenantOf(res).id;
    const endpoint = await owned(tenantId, req.params.id);
    const { since } = parse(endpointReplaySchema, req.body ?? {});
    const { replayed, failed } = await replayDeadLetters(
      client,
      { tenantId, endpointId: endpoint.id, since },
      { limit: MAX_BULK_REPLAY, concurrency: REPLAY_CONCURRENCY },
    );
    if (failed.length > 0) throw failed[0]!.error;
    res.status(202).json({ replayed: replayed.length, delivery_ids: replayed });
  });

  registerEndpointTools(router, { ...deps, owned });
  return router;
}
