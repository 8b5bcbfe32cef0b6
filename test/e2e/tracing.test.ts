import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import { parseCodecKeys } from '../../src/codec/codec-keys';
import { createDataConverter } from '../../src/codec/data-converter';
import { TEST_CODEC_KEYS } from '../helpers/codec-keys';
import { createEndpoint, createTenant, sampleSignal, sendSignal, settledDelivery } from '../helpers/fixtures';
import { startReceiver } from '../helpers/receiver';
import type { Stack } from '../helpers/stack';
import { eventually, startStack } from '../helpers/stack';
import { bundleWorkflows } from '../helpers/workflow-bundle';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

// Tracing is process-wide (OpenTelemetry's globals): the traced stack and the untraced one run one
// after the other, never side by side.
describe('with tracing on', () => {
  const spans = new InMemorySpanExporter();
  let stack: Stack;
  // The run's shared bundle is the untraced one; a traced worker's bundle adds the interceptors.
  let bundle: Awaited<ReturnType<typeof bundleWorkflows>>;
  beforeAll(async () => {
    bundle = await bundleWorkflows({ traced: true });
    stack = await startStack({}, { spanExporter: spans, workflowBundlePath: bundle.path });
  });
  afterAll(async () => {
    await stack?.stop();
    await bundle?.remove();
  });

  /** The spans named `name` in trace `traceId`, once there are at least `count` of them. */
  const spansNamed = (traceId: string, name: string, count: number) =>
    eventually(async () => {
      const found = spans
        .getFinishedSpans()
        .filter((span) => span.spanContext().traceId === traceId && span.name === name);
      return found.length >= count && found;
    });
  const byId = (span: ReadableSpan) => span.spanContext().spanId;

  test('one signal is one trace: the request, each workflow start and run, and each attempt; the receiver that asks for it gets the attempt as traceparent', async () => {
    let calls = 0;
    // The traced endpoint fails its first attempt, so the delivery makes two.
    const traced = await startReceiver(() => ({ status: ++calls === 1 ? 500 : 200 }));
    const plain = await startReceiver();
    try {
      const tenant = await createTenant(stack);
      await createEndpoint(stack, tenant, {
        url: traced.url,
        trace_context: true,
        retry_policy: { delays_seconds: [1] },
      });
      await createEndpoint(stack, tenant, { url: plain.url });
      const { deliveries } = await sendSignal(stack, tenant);
      expect(deliveries).toHaveLength(2);
      for (const { delivery_id: id } of deliveries) {
        expect((await settledDelivery(stack, tenant, id)).status).toBe('delivered');
      }

      const [request] = await eventually(async () => {
        const found = spans.getFinishedSpans().filter((span) => span.name === 'POST /v1/signals');
        return found.length > 0 && found;
      });
      expect(request!.kind).toBe(SpanKind.SERVER);
      expect(request!.attributes['http.response.status_code']).toBe(202);
      const traceId = request!.spanContext().traceId;

      const starts = await spansNamed(traceId, 'StartWorkflow:deliveryWorkflow', 2);
      expect(starts.map((span) => span.parentSpanId)).toEqual([byId(request!), byId(request!)]);
      const runs = await spansNamed(traceId, 'RunWorkflow:deliveryWorkflow', 2);
      expect(runs.map((span) => span.parentSpanId).sort()).toEqual(starts.map(byId).sort());
      // Three attempts: two to the traced endpoint, one to the other; each one scheduled by its
      // delivery's run and run (as a local activity) under that.
      const scheduled = await spansNamed(traceId, 'StartActivity:attemptDelivery', 3);
      expect(scheduled.every((span) => runs.map(byId).includes(span.parentSpanId!))).toBe(true);
      const attempts = await spansNamed(traceId, 'RunActivity:attemptDelivery', 3);
      expect(attempts.map((span) => span.parentSpanId).sort()).toEqual(scheduled.map(byId).sort());

      // The receiver sees each attempt as the parent of whatever it does with the request.
      const received = traced.requests.map((r) => TRACEPARENT.exec(String(r.headers.traceparent)));
      expect(received).toHaveLength(2);
      expect(received.map((match) => match?.[1])).toEqual([traceId, traceId]);
      const receivedParents = received.map((match) => match![2]!);
      expect(new Set(receivedParents).size).toBe(2);
      expect(attempts.map(byId)).toEqual(expect.arrayContaining(receivedParents));
      // The other endpoint did not ask: it gets exactly the headers it got before.
      expect(plain.requests).toHaveLength(1);
      expect(plain.requests[0]!.headers).not.toHaveProperty('traceparent');
      expect(plain.requests[0]!.headers).not.toHaveProperty('tracestate');

      // Turning tracing off again leaves no delivery stuck: a worker without the interceptors
      // replays what a traced one recorded.
      const history = await stack.service.client.workflow
        .getHandle(deliveries[0]!.delivery_id)
        .fetchHistory();
      const untraced = {
        workflowBundle: { codePath: inject('workflowBundlePath') },
        dataConverter: createDataConverter(new AesGcmCodec(parseCodecKeys(TEST_CODEC_KEYS))),
      };
      await expect(Worker.runReplayHistory(untraced, history)).resolves.toBeUndefined();
    } finally {
      await traced.close();
      await plain.close();
    }
  });

  test("an event's intake request is the root of its delivery's trace, or joins the caller's trace", async () => {
    const receiver = await startReceiver();
    try {
      const tenant = await createTenant(stack);
      await createEndpoint(stack, tenant, { url: receiver.url, trace_context: true });
      const callerTrace = 'a1'.repeat(16);
      const res = await stack.api.request('POST', '/v1/events', {
        key: stack.operatorKey,
        headers: { traceparent: `00-${callerTrace}-${'b2'.repeat(8)}-01` },
        body: { tenant_id: tenant.id, type: 'buying_signal', data: sampleSignal() },
      });
      expect(res.status).toBe(202);
      await receiver.waitFor(1);

      const [request] = await spansNamed(callerTrace, 'POST /v1/events', 1);
      expect(request!.parentSpanId).toBe('b2'.repeat(8));
      const [start] = await spansNamed(callerTrace, 'StartWorkflow:deliveryWorkflow', 1);
      expect(start!.parentSpanId).toBe(byId(request!));
      const [attempt] = await spansNamed(callerTrace, 'RunActivity:attemptDelivery', 1);
      expect(receiver.requests[0]!.headers.traceparent).toBe(`00-${callerTrace}-${byId(attempt!)}-01`);
    } finally {
      await receiver.close();
    }
  });

  test('trace_context is off by default, shown in the endpoint, and refuses a hand-set traceparent header', async () => {
    const tenant = await createTenant(stack);
    const url = 'http://127.0.0.1:9/hook';
    const created = await stack.api.request('POST', '/v1/endpoints', { key: tenant.key, body: { url } });
    expect(created.body.trace_context).toBe(false);
    const clash = await stack.api.request('POST', '/v1/endpoints', {
      key: tenant.key,
      body: { url, trace_context: true, headers: { Traceparent: 'x' } },
    });
    expect(clash.status).toBe(400);
    expect(clash.body.error.fields).toEqual([
      { field: 'headers.Traceparent', problem: 'is set by signal-push when trace_context is on' },
    ]);
    const patched = await stack.api.request('PATCH', `/v1/endpoints/${created.body.id}`, {
      key: tenant.key,
      body: { trace_context: true },
    });
    expect(patched.body.trace_context).toBe(true);
  });
});

describe('with tracing off (no OTEL_* set)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  test('a delivery carries no trace header to Temporal or the receiver, even where the endpoint asks', async () => {
    const receiver = await startReceiver();
    try {
      const tenant = await createTenant(stack);
      await createEndpoint(stack, tenant, { url: receiver.url, trace_context: true });
      const { deliveries } = await sendSignal(stack, tenant);
      const id = deliveries[0]!.delivery_id;
      expect((await settledDelivery(stack, tenant, id)).status).toBe('delivered');

      expect(receiver.requests[0]!.headers).not.toHaveProperty('traceparent');
      const history = await stack.service.client.workflow.getHandle(id).fetchHistory();
      const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
      expect(Object.keys(started.header?.fields ?? {})).not.toContain('_tracer-data');
    } finally {
      await receiver.close();
    }
  });
});
