import { temporal } from '@temporalio/proto';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import { parseCodecKeys } from '../../src/codec/codec-keys';
import { createDataConverter } from '../../src/codec/data-converter';
import deliveryHistories from '../fixtures/delivery-histories.json';
import healthHistories from '../fixtures/health-histories.json';
import healthProbesHistories from '../fixtures/health-probes-histories.json';
import healthReleaseHistories from '../fixtures/health-release-histories.json';
import regularActivityHistories from '../fixtures/regular-activity-deliveries.json';
import { TEST_CODEC_KEYS } from '../helpers/codec-keys';
import { bundleWorkflows } from '../helpers/workflow-bundle';

// Histories recorded by earlier versions (with the test codec key; protobufjs' own JSON form):
// workflows they started may still be running when this version's workers take over.
const deliveries = {
  // The version that ran each attempt as a regular activity.
  'before local-activity attempts': regularActivityHistories,
  // The version before the delivery policy became a pure function (test/fixtures/record-delivery-histories.ts).
  'before the delivery policy module': deliveryHistories,
};
const deliveryCases = Object.entries(deliveries).flatMap(([version, histories]) =>
  Object.keys(histories).map((name) => [version, name] as const),
);

/** Each history is replayed once per bundle, by one replay worker for all of them; errors by history. */
type Replayed = Map<string, Error | undefined>;
/** By whether the bundle traces. */
const replayed: Record<'off' | 'on', Replayed> = { off: new Map(), on: new Map() };

async function replayAll(options: ReplayWorkerOptions, histories: Record<string, unknown>, into: Replayed) {
  const batch = Object.entries(histories).map(([workflowId, history]) => ({
    workflowId,
    history: temporal.api.history.v1.History.fromObject(history as object),
  }));
  for await (const result of Worker.runReplayHistories(options, batch)) {
    into.set(result.workflowId, result.error);
  }
}

const deliveryId = (version: string, name: string) => `${version}: ${name}`;
const allDeliveries = Object.fromEntries(
  deliveryCases.map(([version, name]) => [
    deliveryId(version, name),
    (deliveries[version as keyof typeof deliveries] as Record<string, unknown>)[name],
  ]),
);

// A worker where tracing is on bundles Temporal's OpenTelemetry interceptors too: deliveries
// started before it was turned on must replay there as well.
let traced: Awaited<ReturnType<typeof bundleWorkflows>>;
beforeAll(async () => {
  const dataConverter = createDataConverter(new AesGcmCodec(parseCodecKeys(TEST_CODEC_KEYS)));
  const untraced = { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter };
  traced = await bundleWorkflows({ traced: true });
  await replayAll(
    untraced,
    { ...allDeliveries, ...healthHistories, ...healthProbesHistories, ...healthReleaseHistories },
    replayed.off,
  );
  await replayAll(
    {
      workflowBundle: { codePath: traced.path },
      dataConverter,
      // Where the interceptors' spans go; a replay sends none, but the sink must exist.
      sinks: { exporter: { export: { fn: () => undefined } } },
    },
    allDeliveries,
    replayed.on,
  );
}, 120_000);
afterAll(() => traced?.remove());

test.each(
  deliveryCases.flatMap(([version, name]) =>
    (['off', 'on'] as const).map((tracing) => [version, name, tracing] as const),
  ),
)(
  'a delivery recorded by the version %s (%s) replays without nondeterminism, tracing %s',
  (version, name, tracing) => {
    const id = deliveryId(version, name);
    expect(replayed[tracing].has(id)).toBe(true);
    expect(replayed[tracing].get(id)).toBeUndefined();
  },
);

// Endpoint health workflows recorded by earlier versions (test/fixtures/record-health-histories.ts):
// they run for as long as their endpoint exists.
test.each([
  ...Object.keys(healthHistories).map((name) => ['before self-healing', name] as const),
  ...Object.keys(healthProbesHistories).map((name) => ['before the probes-ran-out notice', name] as const),
  ...Object.keys(healthReleaseHistories).map((name) => ['before answers went out together', name] as const),
])('an endpoint health workflow recorded %s (%s) replays without nondeterminism', (_version, name) => {
  expect(replayed.off.has(name)).toBe(true);
  expect(replayed.off.get(name)).toBeUndefined();
});
