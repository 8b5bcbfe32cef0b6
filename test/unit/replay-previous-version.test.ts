import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import { parseCodecKeys } from '../../src/codec/codec-keys';
import { createDataConverter } from '../../src/codec/data-converter';
import deliveryHistories from '../fixtures/delivery-histories.json';
import healthHistories from '../fixtures/health-histories.json';
import regularActivityHistories from '../fixtures/regular-activity-deliveries.json';
import { TEST_CODEC_KEYS } from '../helpers/codec-keys';
import { bundleWorkflows } from '../helpers/workflow-bundle';

// Histories recorded by earlier versions (with the test codec key; protobufjs' own JSON form):
// deliveries they started may still be running when this version's workers take over.
const recorded = {
  // The version that ran each attempt as a regular activity.
  'before local-activity attempts': regularActivityHistories,
  // The version before the delivery policy became a pure function (test/fixtures/record-delivery-histories.ts).
  'before the delivery policy module': deliveryHistories,
};

// A worker where tracing is on bundles Temporal's OpenTelemetry interceptors too: deliveries
// started before it was turned on must replay there as well.
let traced: Awaited<ReturnType<typeof bundleWorkflows>>;
beforeAll(async () => {
  traced = await bundleWorkflows({ traced: true });
});
afterAll(() => traced?.remove());

test.each(
  Object.entries(recorded).flatMap(([version, histories]) =>
    Object.entries(histories).flatMap(([name, history]) =>
      (['off', 'on'] as const).map((tracing) => [version, name, tracing, history] as const),
    ),
  ),
)(
  'a delivery recorded by the version %s (%s) replays without nondeterminism, tracing %s',
  async (_version, _name, tracing, history) => {
    const replay = Worker.runReplayHistory(
      {
        workflowBundle: { codePath: tracing === 'on' ? traced.path : inject('workflowBundlePath') },
        dataConverter: createDataConverter(new AesGcmCodec(parseCodecKeys(TEST_CODEC_KEYS))),
        // Where the interceptors' spans go; a replay sends none, but the sink must exist.
        ...(tracing === 'on' ? { sinks: { exporter: { export: { fn: () => undefined } } } } : {}),
      },
      temporal.api.history.v1.History.fromObject(history),
    );
    await expect(replay).resolves.toBeUndefined();
  },
);

// Endpoint health workflows recorded by the version before self-healing
// (test/fixtures/record-health-histories.ts): they run for as long as their endpoint exists.
test.each(Object.entries(healthHistories))(
  'an endpoint health workflow recorded before self-healing (%s) replays without nondeterminism',
  async (_name, history) => {
    const replay = Worker.runReplayHistory(
      {
        workflowBundle: { codePath: inject('workflowBundlePath') },
        dataConverter: createDataConverter(new AesGcmCodec(parseCodecKeys(TEST_CODEC_KEYS))),
      },
      temporal.api.history.v1.History.fromObject(history),
    );
    await expect(replay).resolves.toBeUndefined();
  },
);
