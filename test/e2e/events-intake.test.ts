import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventType } from '../../src/events';
import { eventTypeSpec } from '../../src/events';
import type { TestTenant } from '../helpers/fixtures';
import { createEndpoint, createTenant, sampleSignal, settledDelivery } from '../helpers/fixtures';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';

let stack: Stack;
let receiver: Receiver;
beforeAll(async () => {
  stack = await startStack();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

interface Started {
  endpoint_id: string;
  delivery_id: string;
  duplicate: boolean;
  rejected: string | null;
}

const sample = (type: EventType): Record<string, unknown> => eventTypeSpec(type)!.sample();
const uniqueId = (prefix: string): string => `${prefix}_${randomBytes(8).toString('hex')}`;
/** The sample with overrides and without its own signal_id, so each send is a new event. */
const freshSample = (type: EventType, overrides: Record<string, unknown> = {}): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries({ ...sample(type), ...overrides }).filter(([key]) => key !== 'signal_id'),
  );

const postEvent = (body: Record<string, unknown>) =>
  stack.api.request('POST', '/v1/events', { key: stack.operatorKey, body });

/** Sends an event and returns the 202's body; anything else fails the test. */
async function sendEvent(
  tenant: TestTenant,
  type: EventType,
  data: Record<string, unknown> = sample(type),
  id?: string,
): Promise<{ event_id: string; deliveries: Started[] }> {
  const res = await postEvent({ tenant_id: tenant.id, type, ...(id ? { id } : {}), data });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body;
}

const endpointsReached = (result: { deliveries: Started[] }): string[] =>
  result.deliveries.map((d) => d.endpoint_id).sort();

const bodiesAt = (target: Receiver, path: string): Array<Record<string, unknown>> =>
  target.requests.filter((r) => r.path === path).map((r) => JSON.parse(r.rawBody.toString('utf8')));

describe('every event family', () => {
  const families: EventType[] = [
    'buying_signal',
    'prospect.added',
    'lead.created',
    'proposal.sent',
    'payment.received',
    'message.received',
    'project_signal',
    'save_lead',
  ];

  test('each catalogued sample goes through POST /v1/events to the one endpoint subscribed to its type', async () => {
    const tenant = await createTenant(stack);
    const endpoints = new Map<EventType, string>();
    for (const type of families) {
      const { id } = await createEndpoint(stack, tenant, {
        url: `${receiver.url}/family/${type}`,
        label: `family ${type}`,
        event_types: [type],
      });
      endpoints.set(type, id);
    }

    for (const type of families) {
      const result = await sendEvent(tenant, type);
      expect(endpointsReached(result), type).toEqual([endpoints.get(type)]);
      const delivery = await settledDelivery(stack, tenant, result.deliveries[0]!.delivery_id);
      expect(delivery.status, type).toBe('delivered');
      expect(delivery.event_type, type).toBe(type);

      // The flat envelope: the data as sent, the event id first where the seed carries it in the body.
      const [body, ...more] = bodiesAt(receiver, `/hook/family/${type}`);
      expect(more, type).toHaveLength(0);
      const idField = eventTypeSpec(type)!.idField;
      if (idField) {
        expect(Object.keys(body!)[0], type).toBe(idField);
        expect(body![idField], type).toBe(result.event_id);
      }
      expect(body, type).toEqual({ ...sample(type), ...(idField ? { [idField]: result.event_id } : {}) });
    }
  });
});

describe('subscriptions', () => {
  test("'lead.*' takes lead.created and lead.stage_changed but not proposal.sent; '*' takes all three", async () => {
    const tenant = await createTenant(stack);
    const leads = await createEndpoint(stack, tenant, {
      url: `${receiver.url}/wild/leads`,
      event_types: ['lead.*'],
    });
    const everything = await createEndpoint(stack, tenant, {
      url: `${receiver.url}/wild/all`,
      event_types: ['*'],
    });

    const created = await sendEvent(tenant, 'lead.created');
    const stageChanged = await sendEvent(tenant, 'lead.stage_changed');
    const proposal = await sendEvent(tenant, 'proposal.sent');

    expect(endpointsReached(created)).toEqual([leads.id, everything.id].sort());
    expect(endpointsReached(stageChanged)).toEqual([leads.id, everything.id].sort());
    expect(endpointsReached(proposal)).toEqual([everything.id]);

    for (const result of [created, stageChanged, proposal]) {
      for (const d of result.deliveries) {
        expect((await settledDelivery(stack, tenant, d.delivery_id)).status).toBe('delivered');
      }
    }
    expect(bodiesAt(receiver, '/hook/wild/leads')).toHaveLength(2);
    expect(bodiesAt(receiver, '/hook/wild/all')).toHaveLength(3);
    expect(bodiesAt(receiver, '/hook/wild/leads').some((body) => 'proposal' in body)).toBe(false);
  });
});

describe('attribute filters', () => {
  test('a high-priority project A signal reaches only the endpoint filtered on project A and high', async () => {
    const tenant = await createTenant(stack);
    const subscribe = (projects: string[], priorities: string[]) =>
      createEndpoint(stack, tenant, {
        url: receiver.url,
        event_types: ['project_signal'],
        filters: { projects, priorities },
      });
    const aHigh = await subscribe(['proj_a'], ['high']);
    await subscribe(['proj_a'], ['low']);
    await subscribe(['proj_b'], ['high']);

    const data = freshSample('project_signal', { project_id: 'proj_a', priority: 'high' });
    const result = await sendEvent(tenant, 'project_signal', data, uniqueId('sig'));
    expect(endpointsReached(result)).toEqual([aHigh.id]);

    const low = await sendEvent(tenant, 'project_signal', { ...data, priority: 'medium' }, uniqueId('sig'));
    expect(endpointsReached(low)).toEqual([]);
  });

  test("min_icp_score applies to save_lead's score", async () => {
    const tenant = await createTenant(stack);
    const atLeast80 = await createEndpoint(stack, tenant, {
      url: receiver.url,
      event_types: ['save_lead'],
      filters: { min_icp_score: 80 },
    });
    const atLeast90 = await createEndpoint(stack, tenant, {
      url: receiver.url,
      event_types: ['save_lead'],
      filters: { min_icp_score: 90 },
    });

    const score82 = await sendEvent(tenant, 'save_lead', { ...sample('save_lead'), score: 82 });
    expect(endpointsReached(score82)).toEqual([atLeast80.id]);
    const score95 = await sendEvent(tenant, 'save_lead', { ...sample('save_lead'), score: 95 });
    expect(endpointsReached(score95)).toEqual([atLeast80.id, atLeast90.id].sort());
    const score40 = await sendEvent(tenant, 'save_lead', { ...sample('save_lead'), score: 40 });
    expect(endpointsReached(score40)).toEqual([]);
  });

  test('a filter on PQ classifications does not admit a save_lead, which has none, but admits a hot signal', async () => {
    const tenant = await createTenant(stack);
    const hotOnly = await createEndpoint(stack, tenant, {
      url: receiver.url,
      event_types: ['*'],
      filters: { classifications: ['hot'] },
    });

    expect(endpointsReached(await sendEvent(tenant, 'save_lead'))).toEqual([]);
    const signal = freshSample('buying_signal', { classification: 'hot' });
    expect(endpointsReached(await sendEvent(tenant, 'buying_signal', signal))).toEqual([hotOnly.id]);
  });
});

describe('validation', () => {
  const fieldsOf = (body: { error: { fields: Array<{ field: string }> } }): string[] =>
    body.error.fields.map((f) => f.field).sort();

  test('a bad event gets 400 naming each bad field under data.', async () => {
    const tenant = await createTenant(stack);
    const project = sample('project_signal');
    const badProject = await postEvent({
      tenant_id: tenant.id,
      type: 'project_signal',
      data: { ...project, priority: 'urgent', company: { name: 'Nordwind', inn: '123' } },
    });
    expect(badProject.status).toBe(400);
    expect(badProject.body.error.code).toBe('validation_failed');
    expect(fieldsOf(badProject.body)).toEqual(['data.company.inn', 'data.priority']);

    const lead = sample('lead.created') as { venue: string; lead: Record<string, unknown> };
    const badLead = await postEvent({
      tenant_id: tenant.id,
      type: 'lead.created',
      data: { ...lead, lead: { ...lead.lead, guests: 'many', email: 'not an email' } },
    });
    expect(badLead.status).toBe(400);
    expect(fieldsOf(badLead.body)).toEqual(['data.lead.email', 'data.lead.guests']);
  });

  test('an unknown event type gets 400 naming type', async () => {
    const tenant = await createTenant(stack);
    const res = await postEvent({ tenant_id: tenant.id, type: 'lead.exploded', data: {} });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['type']);
  });

  test('a buying_signal whose data.signal_id differs from id gets 400 naming data.signal_id', async () => {
    const target = await startReceiver();
    try {
      const tenant = await createTenant(stack);
      await createEndpoint(stack, tenant, { url: target.url, event_types: ['buying_signal'] });
      const res = await postEvent({
        tenant_id: tenant.id,
        type: 'buying_signal',
        id: uniqueId('sig'),
        data: { ...sample('buying_signal'), signal_id: uniqueId('sig') },
      });
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['data.signal_id']);

      // The same id in both places is one id, and is accepted.
      const id = uniqueId('sig');
      const same = await sendEvent(
        tenant,
        'buying_signal',
        { ...sample('buying_signal'), signal_id: id },
        id,
      );
      expect(same.event_id).toBe(id);
      await target.waitFor(1);
      expect(target.requests).toHaveLength(1);
    } finally {
      await target.close();
    }
  });
});

test('a repeated event id is delivered once, the repeat answered with duplicate: true', async () => {
  const target = await startReceiver();
  try {
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, {
      url: target.url,
      event_types: ['prospect.added'],
    });
    const id = uniqueId('evt');
    const first = await sendEvent(tenant, 'prospect.added', sample('prospect.added'), id);
    const second = await sendEvent(tenant, 'prospect.added', sample('prospect.added'), id);
    expect(first.event_id).toBe(id);
    expect(first.deliveries).toEqual([
      { endpoint_id: endpoint.id, delivery_id: expect.any(String), duplicate: false, rejected: null },
    ]);
    expect(second.deliveries).toEqual([{ ...first.deliveries[0], duplicate: true }]);

    const deliveryId = first.deliveries[0]!.delivery_id;
    await settledDelivery(stack, tenant, deliveryId);
    const handle = stack.service.client.workflow.getHandle(deliveryId);
    const ended = await handle.describe();
    const third = await sendEvent(tenant, 'prospect.added', sample('prospect.added'), id);
    expect(third.deliveries[0]!.duplicate).toBe(true);
    // No new run was started for it, and the one run has ended after its single attempt.
    expect((await handle.describe()).runId).toBe(ended.runId);
    expect(ended.status.name).toBe('COMPLETED');
    expect(target.requests).toHaveLength(1);
  } finally {
    await target.close();
  }
});

test('the PQ shorthand POST /v1/signals still delivers a buying_signal', async () => {
  const target = await startReceiver();
  try {
    const tenant = await createTenant(stack);
    const endpoint = await createEndpoint(stack, tenant, { url: target.url, event_types: ['buying_signal'] });
    await createEndpoint(stack, tenant, { url: target.url, event_types: ['save_lead'] });
    const res = await stack.api.request('POST', '/v1/signals', {
      key: stack.operatorKey,
      body: { tenant_id: tenant.id, ...sampleSignal() },
    });
    expect(res.status).toBe(202);
    expect(res.body.deliveries.map((d: Started) => d.endpoint_id)).toEqual([endpoint.id]);
    const delivery = await settledDelivery(stack, tenant, res.body.deliveries[0].delivery_id);
    expect(delivery).toMatchObject({ status: 'delivered', event_type: 'buying_signal' });

    const [request] = await eventually(async () => target.requests.length === 1 && target.requests);
    const body = JSON.parse(request!.rawBody.toString('utf8'));
    expect(body).toEqual({ signal_id: res.body.signal_id, ...sampleSignal() });
  } finally {
    await target.close();
  }
});
