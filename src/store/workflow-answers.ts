import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ENDPOINT_RECORD_TOO_LARGE } from '../../workflows/endpoint-config-contract';
import {
  ENDPOINT_LABEL_TAKEN,
  ENDPOINT_NOT_FOUND,
  ENDPOINT_QUOTA_REACHED,
  PLAN_BELOW_USAGE,
  TENANT_STATE_FULL,
} from '../../workflows/tenant-contract';

// What the tenant and endpoint config workflows' answers mean to the store: a workflow that does
// not exist is a tenant or endpoint that does not; a refused update broke a named rule.

export async function ifFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** A tenant-wide rule an endpoint write broke: its label is taken, the plan allows no more, or it is too large. */
export class EndpointRuleBroken extends Error {
  constructor(
    readonly rule: 'label_taken' | 'quota_reached' | 'tenant_full' | 'record_too_large',
    message: string,
  ) {
    super(message);
  }
}

const RULES: Record<string, EndpointRuleBroken['rule']> = {
  [ENDPOINT_LABEL_TAKEN]: 'label_taken',
  [ENDPOINT_QUOTA_REACHED]: 'quota_reached',
  [TENANT_STATE_FULL]: 'tenant_full',
  [ENDPOINT_RECORD_TOO_LARGE]: 'record_too_large',
};

export async function endpointRules<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (!(cause instanceof ApplicationFailure) || !cause.type) throw error;
    const rule = RULES[cause.type];
    if (rule) throw new EndpointRuleBroken(rule, cause.message);
    throw error;
  }
}

export async function ifEndpointExists<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (error) {
    if (
      (error instanceof WorkflowUpdateFailedError &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === ENDPOINT_NOT_FOUND) ||
      error instanceof WorkflowNotFoundError
    ) {
      return undefined;
    }
    throw error;
  }
}

/** A plan refused because the tenant already has more endpoints than it would allow. */
export class PlanBelowUsage extends Error {}

export async function planRules<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === PLAN_BELOW_USAGE) {
      throw new PlanBelowUsage(cause.message);
    }
    throw error;
  }
}
