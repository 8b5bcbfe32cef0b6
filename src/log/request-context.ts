import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The API request being served, wherever its work runs in this process: its log lines and the
 * Temporal calls it makes read the request's id from here, so no function in between passes it on.
 */
const requests = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn`, and all that it starts, as part of the request `requestId`. */
export function runInRequest<T>(requestId: string, fn: () => T): T {
  return requests.run({ requestId }, fn);
}

/** The id of the API request being served; `undefined` outside one (a worker, start-up). */
export function currentRequestId(): string | undefined {
  return requests.getStore()?.requestId;
}
