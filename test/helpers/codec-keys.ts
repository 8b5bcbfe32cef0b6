import { createHash } from 'node:crypto';

/**
 * The payload encryption key of every test stack and worker process, and of the recorded histories
 * under test/fixtures (test/fixtures/record-delivery-histories.ts), which replay tests decode with it.
 */
export const TEST_CODEC_KEYS = `test:${createHash('sha256').update('signal-push test codec key').digest('base64')}`;
