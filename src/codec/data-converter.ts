import path from 'node:path';
import type { DataConverter, PayloadCodec } from '@temporalio/common';

/**
 * Path of the failure converter module, for `DataConverter.failureConverterPath` and
 * `bundleWorkflowCode`: `.ts` where the sources run directly (tests, tsx), `.js` in `dist/`.
 */
export const failureConverterPath = path.join(__dirname, `failure-converter${path.extname(__filename)}`);

/**
 * The one data converter of every client and worker: payloads go through the codec, and failure
 * messages and stack traces are moved into payloads first so the codec covers them too.
 * (Temporal takes a failure converter by module path, not as an instance: the workflow sandbox
 * needs a module it can bundle.)
 */
export function createDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath };
}
