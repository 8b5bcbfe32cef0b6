import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { Headers } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { REQUEST_ID_HEADER } from '../../workflows/request-id-interceptors';
import { currentRequestId } from '../log/request-context';

/** `headers`, with the current API request's id when there is one. */
function withRequestId(headers: Headers): Headers {
  const requestId = currentRequestId();
  if (requestId === undefined) return headers;
  return { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) };
}

/**
 * Tells each workflow which API request started, signalled or updated it, in a header the
 * workflows' own interceptors (workflows/request-id-interceptors.ts) put on their log lines.
 */
export const requestIdClientInterceptor: WorkflowClientInterceptor = {
  startWithDetails: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  signal: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  signalWithStart: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startUpdate: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startUpdateWithStart: (input, next) =>
    next({
      ...input,
      workflowStartHeaders: withRequestId(input.workflowStartHeaders),
      updateHeaders: withRequestId(input.updateHeaders),
    }),
};
