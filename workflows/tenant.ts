import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  adoptLegacyEndpointsUpdate,
  changeTenantUpdate,
  ENDPOINT_LABEL_TAKEN,
  ENDPOINT_NOT_FOUND,
  ENDPOINT_QUOTA_REACHED,
  endpointIndexQuery,
  endpointRevisionUpdate,
  HARD_MAX_ENDPOINTS,
  legacyEndpointsQuery,
  MAX_TENANT_STATE_JSON_BYTES,
  PLAN_BELOW_USAGE,
  registerEndpointUpdate,
  relabelEndpointUpdate,
  removeEndpointUpdate,
  rotateApiKeyUpdate,
  setEndpointHealthUpdate,
  TENANT_STATE_FULL,
  tenantQuery,
} from './tenant-contract';
import { jsonBytes } from './json-bytes';
import type { EndpointIndexEntry, TenantState } from './tenant-contract';
import { handleLegacyEndpointUpdates } from './tenant-legacy';
import { handlePortalRevocations } from './tenant-portal';

/**
 * A tenant: its record and the index of its endpoints (each endpoint's record lives in its own
 * config workflow). Updates run one at a time here, so the tenant-wide rules (the plan's quota,
 * unique labels, a bounded state) hold under concurrent API writes.
 */
export async function tenantWorkflow(input: TenantState): Promise<void> {
  const { tenant } = input;
  const legacy = { ...input.endpoints };
  const index: Record<string, EndpointIndexEntry> = { ...input.endpointIndex };
  for (const [id, record] of Object.entries(legacy)) {
    index[id] ??= { label: record.label, revision: 0, health: record.health };
  }
  const portalRevocations = handlePortalRevocations(input.portalRevocations);
  // Left out until there are any, so runs without revocations hand on the state they always did.
  const state = (): TenantState => {
    const revocations = portalRevocations();
    return {
      tenant,
      endpointIndex: index,
      endpoints: legacy,
      ...(revocations ? { portalRevocations: revocations } : {}),
    };
  };
  // The state's JSON size, kept up to date entry by entry: measuring the whole state on every write
  // would cost each write time in proportion to the tenant's size.
  const entryBytes = new Map<string, number>();
  const measure = (id: string) => jsonBytes({ [id]: index[id] }) + jsonBytes({ [id]: legacy[id] });
  let indexBytes = 0;
  const remeasure = (id: string) => {
    indexBytes -= entryBytes.get(id) ?? 0;
    if (index[id] || legacy[id]) {
      entryBytes.set(id, measure(id));
      indexBytes += entryBytes.get(id)!;
    } else {
      entryBytes.delete(id);
    }
  };
  for (const id of Object.keys(index)) remeasure(id);

  const existing = (id: string): EndpointIndexEntry => {
    const entry = index[id];
    if (!entry) throw ApplicationFailure.create({ type: ENDPOINT_NOT_FOUND, message: 'endpoint not found' });
    return entry;
  };
  // Checked here, where writes run one at a time, so two concurrent creates cannot both pass.
  const requireFreeLabel = (label: string, id: string): void => {
    const lower = label.toLowerCase();
    const taken = Object.entries(index).some(
      ([other, entry]) => other !== id && entry.label.toLowerCase() === lower,
    );
    if (taken) {
      throw ApplicationFailure.create({
        type: ENDPOINT_LABEL_TAKEN,
        message: 'another endpoint of this tenant has that label',
      });
    }
  };
  const requireRoomFor = (added: unknown): void => {
    if (jsonBytes(tenant) + indexBytes + jsonBytes(added) > MAX_TENANT_STATE_JSON_BYTES) {
      throw ApplicationFailure.create({
        type: TENANT_STATE_FULL,
        message: `the tenant's state may take at most ${MAX_TENANT_STATE_JSON_BYTES} bytes of JSON`,
      });
    }
  };

  setHandler(tenantQuery, () => tenant);
  setHandler(endpointIndexQuery, () =>
    Object.entries(index).map(([id, { revision, health }]) => ({
      id,
      revision,
      health,
      legacy: id in legacy,
    })),
  );
  setHandler(legacyEndpointsQuery, () => Object.values(legacy));
  setHandler(
    registerEndpointUpdate,
    ({ id, label, revision, health }) => {
      index[id] = { label, revision, health };
      remeasure(id);
    },
    {
      validator: ({ id, label, revision, health }) => {
        const quota = Math.min(tenant.plan?.max_endpoints ?? HARD_MAX_ENDPOINTS, HARD_MAX_ENDPOINTS);
        if (!(id in index) && Object.keys(index).length >= quota) {
          throw ApplicationFailure.create({
            type: ENDPOINT_QUOTA_REACHED,
            message: `the tenant's plan allows ${quota} endpoints`,
          });
        }
        requireFreeLabel(label, id);
        requireRoomFor({ [id]: { label, revision, health } });
      },
    },
  );
  setHandler(
    relabelEndpointUpdate,
    ({ id, label }) => {
      existing(id).label = label;
      remeasure(id);
    },
    {
      validator: ({ id, label }) => {
        existing(id);
        requireFreeLabel(label, id);
        requireRoomFor(label);
      },
    },
  );
  setHandler(endpointRevisionUpdate, ({ id, revision }) => {
    const entry = index[id];
    if (entry && revision > entry.revision) entry.revision = revision;
    remeasure(id);
  });
  setHandler(removeEndpointUpdate, ({ id }) => {
    existing(id);
    delete index[id];
    delete legacy[id];
    remeasure(id);
  });
  setHandler(setEndpointHealthUpdate, ({ id, health }) => {
    const entry = index[id];
    if (entry) entry.health = health;
    const record = legacy[id];
    if (record) legacy[id] = { ...record, health };
    remeasure(id);
  });
  setHandler(adoptLegacyEndpointsUpdate, ({ ids }) => {
    for (const id of ids) {
      const entry = index[id];
      if (entry && id in legacy) entry.revision = Math.max(entry.revision, 1);
      delete legacy[id];
      remeasure(id);
    }
  });
  // Checked here, where writes run one at a time: no endpoint can be added between check and change.
  setHandler(
    changeTenantUpdate,
    ({ name, plan, signalCompletedEvents }) => {
      if (name !== undefined) tenant.name = name;
      if (plan !== undefined) tenant.plan = plan;
      if (signalCompletedEvents !== undefined) tenant.signal_completed_events = signalCompletedEvents;
      return tenant;
    },
    {
      validator: ({ name, plan }) => {
        const quota = Math.min(plan?.max_endpoints ?? HARD_MAX_ENDPOINTS, HARD_MAX_ENDPOINTS);
        const endpoints = Object.keys(index).length;
        if (plan !== undefined && endpoints > quota) {
          throw ApplicationFailure.create({
            type: PLAN_BELOW_USAGE,
            message: `the tenant has ${endpoints} endpoints, more than the ${quota} the plan would allow`,
          });
        }
        requireRoomFor(name ?? '');
      },
    },
  );
  // The old hash is gone with this update: a leaked key stops working as soon as it returns.
  setHandler(rotateApiKeyUpdate, ({ apiKeyHash }) => {
    tenant.api_key_hash = apiKeyHash;
  });
  handleLegacyEndpointUpdates(tenant, index, legacy, remeasure);

  // Keep the history bounded: hand the state to a fresh run when the server suggests it.
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof tenantWorkflow>(state());
}
