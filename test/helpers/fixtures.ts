import type { Stack } from './stack';

/** The sample payload from PQ Intel's help page, less the fields signal-push adds. */
export function sampleSignal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    signal_type: 'intent_post',
    classification: 'hot',
    icp_score: 87,
    timestamp: '2026-05-18T14:30:00.000Z',
    prospect: {
      name: 'Alex Morgan',
      title: 'VP of Engineering',
      email: 'alex@acme.example',
      linkedin_url: 'https://linkedin.com/in/alexmorgan',
    },
    company: {
      name: 'Acme Corp',
      domain: 'acme.com',
      industry: 'Enterprise SaaS',
      headcount: '201-500',
      location: 'San Francisco, CA',
    },
    platform: {
      name: 'linkedin',
      post_url: 'https://linkedin.com/posts/123',
      posted_at: '2026-05-18T13:00:00.000Z',
    },
    excerpt: 'We are actively evaluating new data pipeline solutions for our growing engineering team.',
    icp_profile_name: 'Enterprise Tech Buyers',
    profile_url: 'https://app.productquant.dev/prospects/a1b2c3',
    ...overrides,
  };
}

export interface TestTenant {
  id: string;
  key: string;
}

/** No quota and no rate limit, so tests meet a plan's limits only where they set one. */
export const UNLIMITED_PLAN = { max_endpoints: null, rate_limit_per_minute: null };

export async function createTenant(
  stack: Pick<Stack, 'api' | 'operatorKey'>,
  name = 'Acme',
  plan: Record<string, unknown> = UNLIMITED_PLAN,
): Promise<TestTenant> {
  const res = await stack.api.request('POST', '/v1/tenants', {
    key: stack.operatorKey,
    body: { name, plan },
  });
  if (res.status !== 201)
    throw new Error(`tenant creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, key: res.body.api_key };
}

export async function createEndpoint(
  stack: Pick<Stack, 'api'>,
  tenant: TestTenant,
  body: Record<string, unknown>,
): Promise<{ id: string; secret: string }> {
  const res = await stack.api.request('POST', '/v1/endpoints', { key: tenant.key, body });
  if (res.status !== 201)
    throw new Error(`endpoint creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, secret: res.body.secret };
}

export async function sendSignal(stack: Stack, tenant: TestTenant, overrides: Record<string, unknown> = {}) {
  const res = await stack.api.request('POST', '/v1/signals', {
    key: stack.operatorKey,
    body: { tenant_id: tenant.id, ...sampleSignal(overrides) },
  });
  if (res.status !== 202) throw new Error(`signal intake failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as {
    signal_id: string;
    deliveries: Array<{ endpoint_id: string; delivery_id: string; duplicate: boolean }>;
  };
}

/**
 * How long a delivery may take to settle after its worker was killed or restarted. The new worker's
 * first workflow tasks load the workflow bundle, which took 5–9 s on a loaded machine, and a task
 * that outlives its 10 s timeout waits that long again: 30 s was once not enough.
 */
export const SETTLE_AFTER_RESTART_MS = 90_000;

/** Waits until the delivery has ended (delivered or failed) and returns its log entry. */
export async function settledDelivery(
  stack: Stack,
  tenant: TestTenant,
  deliveryId: string,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await stack.api.request('GET', `/v1/deliveries/${deliveryId}`, { key: tenant.key });
    if (res.status === 200 && ['delivered', 'failed'].includes(res.body.status)) return res.body;
    if (Date.now() > deadline)
      throw new Error(`delivery ${deliveryId} did not settle: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A fresh tenant with one endpoint, one signal sent, and its delivery once it has ended. */
export async function deliverOnce(stack: Stack, endpointBody: Record<string, unknown>) {
  const tenant = await createTenant(stack);
  const endpoint = await createEndpoint(stack, tenant, endpointBody);
  const { deliveries } = await sendSignal(stack, tenant);
  return { tenant, endpoint, delivery: await settledDelivery(stack, tenant, deliveries[0]!.delivery_id) };
}
