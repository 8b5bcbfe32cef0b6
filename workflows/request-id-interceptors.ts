/**
 * Not a workflow: the interceptors every workflow bundle carries so that a workflow's log lines name
 * the API request that acted on it. The service's Temporal client puts the request's id in a header
 * of each start, signal and update (src/temporal/request-id-client-interceptor.ts); these read it
 * back. Headers are recorded in history, so a replay names the same request.
 */
import { defaultPayloadConverter } from '@temporalio/workflow';
import type { Headers, WorkflowInboundCallsInterceptor, WorkflowInterceptors } from '@temporalio/workflow';

/** The Temporal header that carries the id of the API request behind a start, signal or update. */
export const REQUEST_ID_HEADER = 'signal-push-request-id';

function requestIdIn(headers: Headers): string | undefined {
  const payload = headers[REQUEST_ID_HEADER];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return typeof value === 'string' ? value : undefined;
}

/**
 * One set per workflow run (a module-level variable would be shared by the runs of a worker). The
 * lines carry the id of the request that started the run, or of the latest that signalled or
 * updated it: a replayed dead letter's new round logs under the replay's request.
 */
export const interceptors = (): WorkflowInterceptors => {
  let requestId: string | undefined;
  const remember = (headers: Headers): void => {
    requestId = requestIdIn(headers) ?? requestId;
  };
  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input, next) {
      remember(input.headers);
      return next(input);
    },
    handleSignal(input, next) {
      remember(input.headers);
      return next(input);
    },
    handleUpdate(input, next) {
      remember(input.headers);
      return next(input);
    },
  };
  return {
    inbound: [inbound],
    outbound: [
      {
        getLogAttributes(input, next) {
          return next(requestId === undefined ? input : { ...input, request_id: requestId });
        },
      },
    ],
  };
};
