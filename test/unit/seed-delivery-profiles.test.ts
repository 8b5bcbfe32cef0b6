import { randomBytes } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { hmacHex, newSecret } from '../../activities/signature-schemes';
import { callbackPlan, startCallback } from '../../src/deliveries/callback-delivery';
import { deliveryPlan } from '../../src/deliveries/delivery-plan';
import type { DeliverySettings, StartedDelivery } from '../../src/deliveries/start-deliveries';
import { startDeliveries } from '../../src/deliveries/start-deliveries';
import { buildEndpoint } from '../../src/endpoints/endpoint-settings';
import type { EventType } from '../../src/events';
import { eventTypeSpec } from '../../src/events';
import type { EndpointCreate } from '../../src/schemas/endpoint';
import type { DeliveryState } from '../../workflows/delivery-contract';
import type { EndpointRecord, TenantRecord } from '../../workflows/records';
import { historyOf } from '../helpers/history';
import type { ReceivedRequest, Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';
import type { TimeSkippingStack } from '../helpers/time-skipping';
import { startTimeSkipping } from '../helpers/time-skipping';

// Each seed product's retry rules, from its preset to the receiver: the endpoint built as the API
// builds it, its delivery started as the intake starts it, run on the time-skipping server with the
// real, unscaled schedule, against a receiver that is down. The e2e conformance tests check the
// same presets through the API at a scaled pace; the exact schedule is proven here.

const DAY_S = 24 * 60 * 60;
const TENANT: TenantRecord = {
  id: 'ten_0123456789abcdef',
  name: 'Seed Pages Ltd',
  plan: { max_endpoints: null, rate_limit_per_minute: null },
  callback_secret: newSecret('standard_webhooks'),
  owner_email: null,
  api_key_hash: '0'.repeat(64),
  created_at: new Date().toISOString(),
};
const SECRET = 'seed_profile_secret_0123456789';
const TOKEN = 'Bearer lead-save-token';

let stack: TimeSkippingStack;
let receiver: Receiver;
let settings: DeliverySettings;
beforeAll(async () => {
  stack = await startTimeSkipping();
  receiver = await startReceiver(() => ({ status: 503, body: 'down for maintenance' }));
  settings = {
    taskQueue: stack.taskQueue,
    signatureHeader: 'X-Signature',
    retryDelayScale: 1,
    deadLetterRetentionMs: 7 * DAY_S * 1000,
    maxPayloadBytes: 256 * 1024,
  };
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const hex = (request: ReceivedRequest) => hmacHex(SECRET, request.rawBody);

interface Profile {
  page: string;
  /** What the owner sets on the page's settings screen (the URL is the test's receiver). */
  endpoint?: Omit<EndpointCreate, 'url'>;
  /** The event type the endpoint takes; `webhook_url` is a one-off callback instead. */
  event: EventType;
  callback?: true;
  /** Each retry's delay in seconds, then how the delivery ends and any timer after its round. */
  retrySeconds: number[];
  ends: 'failed' | 'expired';
  afterRoundSeconds?: number[];
  /** How long an attempt waits for the answer (the page's, or the service's 30 s where it names none). */
  timeoutSeconds: number;
  /** What a receiver following the page checks on every attempt. */
  accepts: (request: ReceivedRequest, delivery: StartedDelivery) => boolean;
}

const PROFILES: Profile[] = [
  {
    page: 'PQ Intel: "retries delivery up to 3 times with exponential backoff (1s, 5s, 30s)", X-PQ-Signature, 30 s timeout',
    endpoint: { preset: 'pq', secret: SECRET },
    event: 'buying_signal',
    retrySeconds: [1, 5, 30],
    ends: 'failed',
    timeoutSeconds: 30,
    accepts: (request) => request.headers['x-pq-signature'] === hex(request),
  },
  {
    page: 'PQ Intel\'s retry panel: "Max Retries (1–10) and Retry Interval (30–600 seconds)", "exponential backoff by default"',
    endpoint: {
      preset: 'pq',
      secret: SECRET,
      retry_policy: { max_retries: 2, interval_seconds: 30, backoff: 'exponential' },
    },
    event: 'buying_signal',
    retrySeconds: [30, 60],
    ends: 'failed',
    timeoutSeconds: 30,
    accepts: (request) => request.headers['x-pq-signature'] === hex(request),
  },
  {
    page: 'Siggnal: "retries up to 3 times using exponential backoff", "After 3 failed attempts, the delivery is marked as failed", 10 s',
    endpoint: { preset: 'siggnal', secret: SECRET },
    event: 'project_signal',
    retrySeconds: [1, 5, 30],
    ends: 'failed',
    timeoutSeconds: 10,
    accepts: (request) => request.headers['x-siggnal-signature'] === hex(request),
  },
  {
    page: 'lead-save API: "retried up to 3 times with exponential backoff", with the method and headers set',
    endpoint: { preset: 'leadsave', method: 'PUT', headers: { Authorization: TOKEN } },
    event: 'save_lead',
    retrySeconds: [1, 5, 30],
    ends: 'failed',
    timeoutSeconds: 30,
    accepts: (request) =>
      request.method === 'PUT' &&
      request.headers.authorization === TOKEN &&
      !Object.keys(request.headers).some((name) => name.includes('signature')),
  },
  {
    page: 'lead-save API\'s webhook_url: "Failed webhook deliveries are retried up to 3 times with exponential backoff"',
    event: 'operation.result',
    callback: true,
    retrySeconds: [1, 5, 30],
    ends: 'failed',
    timeoutSeconds: 30,
    accepts: (request, delivery) => {
      // Every attempt is the same Standard Webhooks message, signed with the tenant's callback secret.
      new Webhook(TENANT.callback_secret!).verify(request.rawBody, request.headers as Record<string, string>);
      return request.method === 'POST' && request.headers['webhook-id'] === delivery.delivery_id;
    },
  },
  {
    page: 'QuintaGo: "up to 5 times with exponential backoff (5s, 25s, 2m, 10m, 30m)", then kept to "replay missed events" (7 days)',
    endpoint: { preset: 'quintago', secret: SECRET },
    event: 'lead.stage_changed',
    retrySeconds: [5, 25, 120, 600, 1800],
    ends: 'expired',
    afterRoundSeconds: [7 * DAY_S],
    timeoutSeconds: 30,
    accepts: (request) => request.headers['x-quintago-signature'] === `sha256=${hex(request)}`,
  },
  {
    page: 'Prospektr: "We attempt each push exactly once", "We don\'t currently retry", 10 s',
    endpoint: { preset: 'prospektr', secret: SECRET },
    event: 'prospect.added',
    retrySeconds: [],
    ends: 'failed',
    timeoutSeconds: 10,
    accepts: (request) => request.headers['x-prospektr-signature'] === `sha256=${hex(request)}`,
  },
];

/** Starts the profile's delivery of one event as the intake does; returns it and its endpoint's plan. */
async function start(profile: Profile) {
  const event = {
    id: `sig_${randomBytes(8).toString('hex')}`,
    type: profile.event,
    occurredAt: new Date().toISOString(),
    data: eventTypeSpec(profile.event)!.sample(),
  };
  const starts = { client: stack.client, eager: false };
  if (profile.callback) {
    const delivery = await startCallback(starts, settings, TENANT, event, receiver.url);
    return { delivery, timeoutMs: callbackPlan(receiver.url, TENANT, settings).endpoint.timeoutMs };
  }
  const endpoint: EndpointRecord = buildEndpoint(
    { url: receiver.url, ...profile.endpoint } as EndpointCreate,
    {
      id: `ep_${randomBytes(8).toString('hex')}`,
      tenantId: TENANT.id,
      plan: TENANT.plan,
      signatureHeader: settings.signatureHeader,
      now: new Date().toISOString(),
    },
  );
  const [delivery] = await startDeliveries(starts, settings, TENANT, event, [endpoint]);
  return { delivery: delivery!, timeoutMs: deliveryPlan(endpoint, settings).endpoint.timeoutMs };
}

/** The delivery's state once it has ended: its result, or what its failure carries. */
async function ended(deliveryId: string): Promise<DeliveryState> {
  return stack.client.workflow
    .getHandle(deliveryId)
    .result()
    .catch((error: unknown) => {
      if (!(error instanceof WorkflowFailedError)) throw error;
      return (error.cause as { details?: unknown[] }).details![0] as DeliveryState;
    });
}

async function timerSeconds(workflowId: string): Promise<number[]> {
  return (await historyOf(stack.client, workflowId))
    .filter((event) => event.timerStartedEventAttributes)
    .map((event) => Number(event.timerStartedEventAttributes!.startToFireTimeout!.seconds));
}

test.each(PROFILES.map((profile) => [profile.page, profile] as const))('%s', async (_page, profile) => {
  const { delivery, timeoutMs } = await start(profile);
  const state = await stack.withWorker(() => ended(delivery.delivery_id));

  expect(state.status).toBe(profile.ends);
  // The failure is recorded with the HTTP status and the receiver's answer, attempt by attempt.
  expect(state.attempts.map((a) => [a.attempt, a.http_status, a.response_body])).toEqual(
    [0, ...profile.retrySeconds].map((_, i) => [i + 1, 503, 'down for maintenance']),
  );
  expect(await timerSeconds(delivery.delivery_id)).toEqual([
    ...profile.retrySeconds,
    ...(profile.afterRoundSeconds ?? []),
  ]);
  const requests = receiver.requests.filter(
    (request) => request.headers['x-signal-push-delivery-id'] === delivery.delivery_id,
  );
  expect(requests).toHaveLength(1 + profile.retrySeconds.length);
  for (const request of requests) expect(profile.accepts(request, delivery)).toBe(true);
  expect(timeoutMs).toBe(profile.timeoutSeconds * 1000);
});
