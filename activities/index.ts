import type { Dispatcher } from 'undici';
import type { DeliveryPlan } from '../workflows/delivery-contract';
import type { EndpointHealthSummary } from '../workflows/records';
import type { SignalCompletedEvent } from '../workflows/signal-tracker-contract';
import type { AttemptInput } from './attempt-delivery';
import { attemptDelivery } from './attempt-delivery';
import type { EndpointEvent, NotifierConfig } from './notify-endpoint-event';
import { notifyEndpointEvent } from './notify-endpoint-event';
import { describeFailure, postOpsEvent } from './post-ops-event';
import type { ProbeDeps } from './probe-endpoint';
import { probeEndpoint } from './probe-endpoint';
import type {
  DeadLetterReplayInput,
  ProbeInput,
  ProbeOutcome,
  RecoveryPlan,
} from '../workflows/endpoint-recovery-contract';

/**
 * What the activities read and write of tenants and endpoints; the service provides it (from its
 * tenant store), so activities need not know how tenants are kept.
 */
export interface EndpointDirectory {
  /** The endpoint's current settings as a delivery plan; `null` once it has been deleted. */
  deliveryPlan(tenantId: string, endpointId: string): Promise<DeliveryPlan | null>;
  endpointLabel(tenantId: string, endpointId: string): Promise<string | undefined>;
  ownerEmail(tenantId: string): Promise<string | undefined>;
  setEndpointHealth(tenantId: string, endpointId: string, health: EndpointHealthSummary): Promise<void>;
}

/** Self-healing's schedule (the service's settings) and what it reads; absent, no endpoint self-heals. */
export interface RecoveryDeps {
  /** The recovery plan of every endpoint whose `auto_resume` is on. */
  plan: RecoveryPlan;
  probeTarget: ProbeDeps['probeTarget'];
  /** Ids of the endpoint's dead letters dead-lettered at or after `since`, oldest first. */
  deadLetterIds(tenantId: string, endpointId: string, since: string, limit: number): Promise<string[]>;
}

export interface ActivityDeps {
  /** Deliveries to customers' endpoints: through the outbound address checks. */
  dispatcher: Dispatcher;
  /** Operational events go to a URL the operator set, which may well be internal. */
  opsDispatcher: Dispatcher;
  userAgent: string;
  endpoints: EndpointDirectory;
  notifications: NotifierConfig;
  recovery?: RecoveryDeps;
}

/** Activities bound to their dependencies, so tests can pass real or fake ones. */
export function createActivities(deps: ActivityDeps) {
  const notifier = {
    config: deps.notifications,
    dispatcher: deps.opsDispatcher,
    userAgent: deps.userAgent,
    ownerEmail: (tenantId: string) => deps.endpoints.ownerEmail(tenantId),
  };
  return {
    attemptDelivery: (input: AttemptInput) => attemptDelivery(deps, input),

    /** The endpoint's current settings for a replay; `null` once it has been deleted. */
    loadDeliveryPlan(input: { tenantId: string; endpointId: string }): Promise<DeliveryPlan | null> {
      return deps.endpoints.deliveryPlan(input.tenantId, input.endpointId);
    },

    /** Mirrors an endpoint's pause and failing state into the tenant store, where intake reads it. */
    async publishEndpointHealth(input: {
      tenantId: string;
      endpointId: string;
      health: EndpointHealthSummary;
    }): Promise<void> {
      await deps.endpoints.setEndpointHealth(input.tenantId, input.endpointId, input.health);
    },

    /** The endpoint's recovery plan when it self-heals; null when it does not (or is gone). */
    async loadRecoveryPlan(input: { tenantId: string; endpointId: string }): Promise<RecoveryPlan | null> {
      const target = await deps.recovery?.probeTarget(input.tenantId, input.endpointId);
      return target?.autoResume ? deps.recovery!.plan : null;
    },

    /** One signed, marked probe of a paused endpoint. */
    probeEndpoint(input: ProbeInput): Promise<ProbeOutcome> {
      const recovery = deps.recovery;
      if (!recovery) return Promise.resolve('off');
      return probeEndpoint({ ...deps, probeTarget: recovery.probeTarget }, input);
    },

    /** The dead letters a recovery replays, oldest first. */
    async recoveryDeadLetters(input: DeadLetterReplayInput & { limit: number }): Promise<string[]> {
      return (
        (await deps.recovery?.deadLetterIds(input.tenantId, input.endpointId, input.since, input.limit)) ?? []
      );
    },

    /** Tells the operator (ops webhook) that every delivery of a signal has ended. */
    async sendSignalCompleted(event: SignalCompletedEvent): Promise<void> {
      await postOpsEvent(notifier, event).catch((error: unknown) => {
        throw new Error(`${event.type} ${event.id} not notified: ops webhook (${describeFailure(error)})`);
      });
    },

    /** Tells the tenant's owner and the operator that an endpoint was paused or resumed. */
    async sendEndpointEvent(event: Omit<EndpointEvent, 'endpoint_label'>): Promise<void> {
      const label = await deps.endpoints.endpointLabel(event.tenant_id, event.endpoint_id);
      await notifyEndpointEvent(notifier, { ...event, endpoint_label: label ?? event.endpoint_id });
    },
  };
}
