import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { tenantWorkflowId } from '../../workflows/ids';
import type { tenantWorkflow } from '../../workflows/tenant';

/** Every call is answered by a worker; with none polling, fail after this bound instead of waiting. */
const CALL_TIMEOUT_MS = 10_000;
/** A call still unanswered after this long has the tenant's workflow looked at. */
const DIAGNOSE_AFTER_MS = 1_500;
/** A workflow task that has failed this many times is not a passing hiccup. */
const FAILING_TASK_ATTEMPTS = 2;

/** A tenant whose workflow cannot answer (its tasks fail, or it has ended): only it is affected. */
export class TenantUnavailable extends Error {
  constructor(
    readonly tenantId: string,
    readonly reason: string,
  ) {
    super(`tenant ${tenantId} is unavailable: ${reason}`);
  }
}

export interface UnavailableTenant {
  tenant_id: string;
  reason: string;
  since: string;
}

/**
 * Queries and updates to tenant workflows, with a deadline. A call that fails or hangs has the
 * workflow described: if its tasks keep failing (or it has ended) the tenant is marked unavailable,
 * and from then on each call describes the workflow first and answers `TenantUnavailable` at once
 * while it is still broken; `unavailable()` names it for the readiness check. Other tenants never
 * wait behind it.
 */
export class TenantCalls {
  private readonly broken = new Map<string, { reason: string; since: number }>();
  /** Calls given up on (their tenant was found broken) but not yet ended: the connection must outlive them. */
  private readonly abandoned = new Set<Promise<unknown>>();

  constructor(private readonly client: Client) {}

  query<R>(tenantId: string, query: QueryDefinition<R, []>): Promise<R> {
    return this.call(tenantId, () => this.handle(tenantId).query(query));
  }

  update<R, A>(tenantId: string, update: UpdateDefinition<R, [A]>, arg: A): Promise<R> {
    return this.call(tenantId, () => this.handle(tenantId).executeUpdate(update, { args: [arg] }));
  }

  /** The tenants found unavailable, each looked at again now (a repaired one drops out). */
  async unavailable(): Promise<UnavailableTenant[]> {
    await Promise.all([...this.broken.keys()].map((tenantId) => this.recheck(tenantId)));
    return [...this.broken].map(([id, { reason, since }]) => ({
      tenant_id: id,
      reason,
      since: new Date(since).toISOString(),
    }));
  }

  /**
   * Resolves once every call given up on has ended (each is cancelled when given up, and has a
   * deadline): a call still retrying when the connection closes would throw from a timer.
   */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.abandoned]);
  }

  /** Forget what is known of a tenant (the repair command has just restarted it). */
  forget(tenantId: string): void {
    this.broken.delete(tenantId);
  }

  /** Why a tenant's workflow cannot answer, or `undefined` when it looks able to. */
  async diagnose(tenantId: string): Promise<string | undefined> {
    const description = await this.handle(tenantId).describe();
    if (description.status.name !== 'RUNNING')
      return `its workflow is ${description.status.name.toLowerCase()}`;
    const attempt = description.raw.pendingWorkflowTask?.attempt ?? 0;
    if (attempt >= FAILING_TASK_ATTEMPTS) return `its workflow task keeps failing (attempt ${attempt})`;
    return undefined;
  }

  private async call<T>(tenantId: string, call: () => Promise<T>): Promise<T> {
    // A tenant known to be broken costs one describe, not a call that hangs until its deadline.
    if (this.broken.has(tenantId)) {
      const reason = await this.recheck(tenantId);
      if (reason) throw new TenantUnavailable(tenantId, reason);
    }

    const cancel = new AbortController();
    const answer = this.client.connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, () =>
      this.client.connection.withAbortSignal(cancel.signal, call),
    );
    // Registered before the race below, so it has run by the time the race is decided.
    let ended = false;
    const end = answer.then(
      () => void (ended = true),
      () => void (ended = true),
    );
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.unavailableReason(tenantId)
          .then((reason) => reason && reject(this.markBroken(tenantId, reason)))
          .catch(() => undefined);
      }, DIAGNOSE_AFTER_MS);
    });
    try {
      const value = await Promise.race([answer, stuck]);
      this.broken.delete(tenantId);
      return value;
    } catch (error) {
      if (error instanceof TenantUnavailable || isAnAnswer(error)) throw error;
      // A tenant that never existed has no workflow to describe: its not-found stands.
      const reason = await this.unavailableReason(tenantId);
      if (reason) throw this.markBroken(tenantId, reason);
      throw error;
    } finally {
      clearTimeout(timer);
      if (!ended) {
        cancel.abort();
        this.abandoned.add(end);
        void end.then(() => this.abandoned.delete(end));
      }
    }
  }

  private async recheck(tenantId: string): Promise<string | undefined> {
    const reason = await this.unavailableReason(tenantId);
    if (reason) this.markBroken(tenantId, reason);
    else this.broken.delete(tenantId);
    return reason;
  }

  private async unavailableReason(tenantId: string): Promise<string | undefined> {
    try {
      return await this.diagnose(tenantId);
    } catch {
      return undefined;
    }
  }

  private markBroken(tenantId: string, reason: string): TenantUnavailable {
    const since = this.broken.get(tenantId)?.since ?? Date.now();
    this.broken.set(tenantId, { reason, since });
    return new TenantUnavailable(tenantId, reason);
  }

  private handle(tenantId: string) {
    return this.client.workflow.getHandle<typeof tenantWorkflow>(tenantWorkflowId(tenantId));
  }
}

/**
 * The workflow answered: an update refused the write. (Not found is no answer: an update to a
 * tenant whose workflow has ended says "not found" too, so that case is looked at.)
 */
const isAnAnswer = (error: unknown): boolean => error instanceof WorkflowUpdateFailedError;
