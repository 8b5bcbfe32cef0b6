import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { ENDPOINT_NOT_FOUND } from './tenant-contract';
import {
  ENDPOINT_RECORD_TOO_LARGE,
  MAX_ENDPOINT_RECORD_JSON_BYTES,
  endpointRecordQuery,
  patchEndpointRecordUpdate,
  retireEndpointConfigUpdate,
} from './endpoint-config-contract';
import type { EndpointConfigState } from './endpoint-config-contract';
import { jsonBytes } from './json-bytes';

/**
 * One endpoint's configuration. Writes run one at a time here, so two concurrent PATCHes of the same
 * endpoint both land; the tenant's workflow keeps only an index of its endpoints (id, label, revision).
 */
export async function endpointConfigWorkflow(input: EndpointConfigState): Promise<void> {
  const state: EndpointConfigState = { ...input };
  let retired = false;

  const requireTenant = (tenantId: string): void => {
    if (tenantId !== state.record.tenant_id || retired) {
      throw ApplicationFailure.create({ type: ENDPOINT_NOT_FOUND, message: 'endpoint not found' });
    }
  };

  setHandler(endpointRecordQuery, () => state);
  setHandler(
    patchEndpointRecordUpdate,
    ({ patch, updatedAt }) => {
      state.record = { ...state.record, ...patch, updated_at: updatedAt };
      state.revision += 1;
      return state;
    },
    {
      validator: ({ tenantId, patch }) => {
        requireTenant(tenantId);
        if (jsonBytes({ ...state.record, ...patch }) > MAX_ENDPOINT_RECORD_JSON_BYTES) {
          throw ApplicationFailure.create({
            type: ENDPOINT_RECORD_TOO_LARGE,
            message: `an endpoint may take at most ${MAX_ENDPOINT_RECORD_JSON_BYTES} bytes of JSON`,
          });
        }
      },
    },
  );
  setHandler(
    retireEndpointConfigUpdate,
    () => {
      retired = true;
    },
    { validator: ({ tenantId }) => requireTenant(tenantId) },
  );

  await condition(() => retired || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  if (retired) return;
  await continueAsNew<typeof endpointConfigWorkflow>(state);
}
