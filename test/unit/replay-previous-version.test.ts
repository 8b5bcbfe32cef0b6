import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { expect, inject, test } from 'vitest';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import { parseCodecKeys } from '../../src/codec/codec-keys';
import { createDataConverter } from '../../src/codec/data-converter';
import deliveryHistories from '../fixtures/delivery-histories.json';
import regularActivityHistories from '../fixtures/regular-activity-deliveries.json';
import { TEST_CODEC_KEYS } from '../helpers/codec-keys';

// Histories recorded by earlier versions (with the test codec key; protobufjs' own JSON form):
// deliveries they started may still be running when this version's workers take over.
const recorded = {
  // The version that ran each attempt as a regular activity.
  'before local-activity attempts': regularActivityHistories,
  // The version before the delivery policy became a pure function (test/fixtures/record-delivery-histories.ts).
  'before the delivery policy module': deliveryHistories,
};

test.each(
  Object.entries(recorded).flatMap(([version, histories]) =>
    Object.entries(histories).map(([name, history]) => [version, name, history] as const),
  ),
)(
  'a delivery recorded by the version %s (%s) replays without nondeterminism',
  async (_version, _name, history) => {
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
