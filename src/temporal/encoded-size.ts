import type { Client } from '@temporalio/client';
import { encodeToPayload } from '@temporalio/common/lib/internal-non-workflow';

/**
 * Bytes a value takes as Temporal stores it: through the client's payload converter and codecs
 * (encryption), data and metadata together, as the server counts a payload against its limit.
 */
export async function encodedPayloadBytes(client: Client, value: unknown): Promise<number> {
  const payload = await encodeToPayload(client.options.loadedDataConverter, value);
  const metadata = Object.entries(payload.metadata ?? {}).reduce(
    (sum, [key, bytes]) => sum + key.length + (bytes?.length ?? 0),
    0,
  );
  return (payload.data?.length ?? 0) + metadata;
}
