import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { expect, inject, test } from 'vitest';
import { AesGcmCodec } from '../src/codec/aes-gcm-codec';
import { parseCodecKeys } from '../src/codec/codec-keys';
import { createDataConverter } from '../src/codec/data-converter';
import histories from './fixtures/regular-activity-deliveries.json';
import { TEST_CODEC_KEYS } from './helpers/stack';

// Histories recorded by the version that ran each attempt as a regular activity (with the test
// codec key; protobufjs' own JSON form): deliveries it started may still be running when this
// version's workers take over.
test.each(Object.entries(histories))(
  'a delivery %s by the version before local-activity attempts replays without nondeterminism',
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
