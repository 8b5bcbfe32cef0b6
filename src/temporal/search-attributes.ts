import type { Client } from '@temporalio/client';
import { isGrpcServiceError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { searchAttributes } from '../../workflows/search-attribute-keys';

const INDEXED_TYPES = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

const GRPC_ALREADY_EXISTS = 6;
const GRPC_UNIMPLEMENTED = 12;

/** The custom search attributes the service writes that the namespace does not have. */
export async function missingSearchAttributes(client: Client, namespace: string) {
  const existing = await client.connection.operatorService
    .listSearchAttributes({ namespace })
    .catch((error: unknown) => {
      // Temporal's time-skipping test server can add search attributes but not list them.
      if (isGrpcServiceError(error) && error.code === GRPC_UNIMPLEMENTED) return { customAttributes: {} };
      throw error;
    });
  return Object.values(searchAttributes).filter((key) => !(key.name in (existing.customAttributes ?? {})));
}

/** Registers the custom search attributes the service writes; safe to run on every start. */
export async function registerSearchAttributes(client: Client, namespace: string): Promise<void> {
  const { operatorService } = client.connection;
  const missing = await missingSearchAttributes(client, namespace);
  if (missing.length === 0) return;
  try {
    await operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, INDEXED_TYPES[key.type as keyof typeof INDEXED_TYPES]]),
      ),
    });
  } catch (error) {
    // The API and every worker register at start; losing that race to another process is fine.
    if (!isGrpcServiceError(error) || error.code !== GRPC_ALREADY_EXISTS) throw error;
  }
}
