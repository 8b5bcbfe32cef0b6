import type { Router } from 'express';
import { z } from 'zod';
import { newSecret, secretProblem } from '../../../activities/signature-schemes';
import type { EndpointRecord } from '../../../workflows/records';
import { renderForEndpoint } from '../../deliveries/render-for-endpoint';
import type { DeliverySettings, DeliveryStarts } from '../../deliveries/start-deliveries';
import { formatProblems } from '../../endpoints/endpoint-settings';
import type { EventType } from '../../events';
import { EVENT_TYPES, eventTypeSpec } from '../../events';
import { EventTypeNotSubscribed, chooseEventType, sendEndpointTest } from '../../services/endpoint-test';
import { payloadFormatSchema } from '../../render/payload-format';
import { rotateSecretSchema } from '../../schemas/endpoint';
import type { TenantStore } from '../../store/tenant-store';
import { tenantOf } from '../auth';
import { HttpError, notFound } from '../errors';
import { parse } from '../validate';

export interface EndpointToolDeps {
  store: TenantStore;
  deliveryStarts: DeliveryStarts;
  delivery: DeliverySettings;
  owned(tenantId: string, id: string | undefined): Promise<EndpointRecord>;
}

/** A day of overlap lets every receiver deploy the new Standard Webhooks secret. */
const STANDARD_WEBHOOKS_OVERLAP_SECONDS = 24 * 60 * 60;

export const previewSchema = z.strictObject({
  event_type: z.enum(EVENT_TYPES).optional(),
  /** Data to render instead of the type's sample; checked against the type's schema. */
  data: z.record(z.string(), z.unknown()).optional(),
  /** A format to try before saving it. */
  payload_format: payloadFormatSchema.optional(),
});

export const testSchema = z.strictObject({ event_type: z.enum(EVENT_TYPES).optional() });

/** The event type to render: the one asked for, which the endpoint must take, or its first one. */
function chooseType(endpoint: EndpointRecord, asked: EventType | undefined): EventType {
  try {
    return chooseEventType(endpoint, asked);
  } catch (error) {
    throw error instanceof EventTypeNotSubscribed ? notSubscribed(error) : error;
  }
}

const notSubscribed = (error: EventTypeNotSubscribed): HttpError =>
  new HttpError(400, 'validation_failed', 'invalid request: event_type: not subscribed', [
    { field: 'event_type', problem: error.message },
  ]);

/** Secret rotation, payload preview and send-test: the endpoint tools of PQ Intel's settings page. */
export function registerEndpointTools(router: Router, deps: EndpointToolDeps): void {
  /**
   * A new signing secret; the old one stays valid for the overlap (both signatures are sent, space-
   * separated), then only the new one signs. Shown in full once, in this answer.
   */
  router.post('/:id/rotate-secret', async (req, res) => {
    const tenant = tenantOf(res);
    const endpoint = await deps.owned(tenant.id, req.params.id);
    const body = parse(rotateSecretSchema, req.body ?? {});
    const { scheme } = endpoint.signature;
    const secret = body.secret ?? newSecret(scheme === 'none' ? 'hex' : scheme);
    const problem = scheme === 'none' ? undefined : secretProblem(scheme, secret);
    if (problem) {
      throw new HttpError(400, 'validation_failed', `invalid request: secret: ${problem}`, [
        { field: 'secret', problem },
      ]);
    }
    const overlap =
      body.overlap_seconds ?? (scheme === 'standard_webhooks' ? STANDARD_WEBHOOKS_OVERLAP_SECONDS : 0);
    const previous =
      endpoint.secret !== null && overlap > 0
        ? { secret: endpoint.secret, expires_at: new Date(Date.now() + overlap * 1000).toISOString() }
        : null;
    const updated = await deps.store.patchEndpoint(tenant.id, endpoint.id, {
      secret,
      previous_secret: previous,
    });
    if (!updated) throw new HttpError(404, 'not_found', 'endpoint not found');
    res.json({ secret, previous_secret_expires_at: previous?.expires_at ?? null });
  });

  /** Renders what the endpoint would receive, without sending anything. */
  router.post('/:id/preview', async (req, res) => {
    const tenant = tenantOf(res);
    const endpoint = await deps.owned(tenant.id, req.params.id);
    const body = parse(previewSchema, req.body ?? {});
    const type = chooseType(endpoint, body.event_type);
    const spec = eventTypeSpec(type)!;
    const trial = { ...endpoint, payload_format: body.payload_format ?? endpoint.payload_format };
    const problems = formatProblems(trial);
    if (problems.length > 0) {
      const summary = problems.map((p) => `${p.field}: ${p.problem}`).join('; ');
      throw new HttpError(400, 'validation_failed', `invalid request: ${summary}`, problems);
    }
    const data = body.data ? parse(spec.schema, body.data, 'data') : spec.sample();
    const id = typeof data[spec.idField ?? ''] === 'string' ? (data[spec.idField!] as string) : 'evt_preview';
    const event = { id, type, occurredAt: new Date().toISOString(), data };
    const { payload, bytes } = renderForEndpoint(event, tenant, trial, Number.POSITIVE_INFINITY);
    res.json({
      event_type: type,
      envelope: endpoint.envelope,
      body: payload,
      size_bytes: bytes,
      max_bytes: deps.delivery.maxPayloadBytes,
      sendable: bytes <= deps.delivery.maxPayloadBytes,
    });
  });

  /** Sends a sample event now and answers with what the receiver said. */
  router.post('/:id/test', async (req, res) => {
    const tenant = tenantOf(res);
    const endpoint = await deps.owned(tenant.id, req.params.id);
    const body = parse(testSchema, req.body ?? {});
    const services = { store: deps.store, starts: deps.deliveryStarts, settings: deps.delivery };
    const result = await sendEndpointTest(services, tenant.id, endpoint.id, body.event_type).catch(
      (error: unknown) => {
        throw error instanceof EventTypeNotSubscribed ? notSubscribed(error) : error;
      },
    );
    if (!result) throw notFound('endpoint');
    res.json(result);
  });
}
