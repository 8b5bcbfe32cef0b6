import type { Router } from 'express';
import { z } from 'zod';
import type { EndpointRecord } from '../../../workflows/records';
import { renderForEndpoint } from '../../deliveries/render-for-endpoint';
import type { DeliverySettings, DeliveryStarts } from '../../deliveries/start-deliveries';
import { formatProblems } from '../../endpoints/endpoint-settings';
import type { EventType } from '../../events';
import { EVENT_TYPES, eventTypeSpec } from '../../events';
import { rotateEndpointSecret } from '../../services/endpoint-changes';
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
  /** See rotateEndpointSecret; the new secret is shown in full once, in this answer. */
  router.post('/:id/rotate-secret', async (req, res) => {
    const tenant = tenantOf(res);
    const endpoint = await deps.owned(tenant.id, req.params.id);
    const body = parse(rotateSecretSchema, req.body ?? {});
    const rotated = await rotateEndpointSecret(deps.store, tenant.id, endpoint.id, body);
    if (!rotated) throw notFound('endpoint');
    res.json(rotated);
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
