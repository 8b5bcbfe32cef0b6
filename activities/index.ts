import type { AttemptDeps, AttemptInput } from './attempt-delivery';
import { attemptDelivery } from './attempt-delivery';

/** Activities bound to their dependencies, so tests can pass real or fake ones. */
export function createActivities(deps: AttemptDeps) {
  return {
    attemptDelivery: (input: AttemptInput) => attemptDelivery(deps, input),
  };
}
