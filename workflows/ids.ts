/**
 * Every id and name the system makes or checks: entity ids with their patterns (API, CLI and
 * workflows check against these), the workflow ids built from them, and the task queue. Workflow
 * code imports this module, so it uses only what the sandbox has (Web Crypto, no Node APIs).
 */

export const TASK_QUEUE = 'signal-push';

/** Tenant ids: `ten_` and 16 hex digits. */
export const TENANT_ID = /^ten_[0-9a-f]{16}$/;
/** Endpoint ids: `ep_` and 16 hex digits. */
export const ENDPOINT_ID = /^ep_[0-9a-f]{16}$/;
/** Signal ids come from the platform (PQ Intel's `signal_id`): 1-100 of A-Z a-z 0-9 _ -. */
export const SIGNAL_ID = /^[A-Za-z0-9_-]{1,100}$/;
/** Delivery ids: the endpoint (or a callback's stand-in) and the signal, as `deliveryWorkflowId` builds them. */
export const DELIVERY_ID = /^dlv_(ep|cb)_[0-9a-f]{16}_[A-Za-z0-9_-]{1,110}$/;

/** What each pattern accepts, in words, for error messages. */
export const ID_DESCRIPTIONS = {
  tenant: 'a tenant id (ten_ and 16 hex digits)',
  endpoint: 'an endpoint id (ep_ and 16 hex digits)',
  signal: 'a signal id (1-100 of A-Z a-z 0-9 _ -)',
  delivery: 'a delivery id (dlv_<endpoint id>_<signal id>)',
} as const;

const randomHex = (bytes: number): string =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

/** Random ids: 64 bits are ample for names that are never secrets. */
export const newTenantId = (): string => `ten_${randomHex(8)}`;
export const newEndpointId = (): string => `ep_${randomHex(8)}`;
export const newSignalId = (): string => `sig_${randomHex(8)}`;
export const newEventId = (): string => `evt_${randomHex(8)}`;
/** Signing secrets: 256 bits from the CSPRNG, base64url. */
export const newSigningSecret = (): string => {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const base64 = btoa(String.fromCharCode(...bytes));
  return `whsec_${base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
};

export const tenantWorkflowId = (tenantId: string): string => `tenant-${tenantId}`;
export const endpointConfigWorkflowId = (endpointId: string): string => `endpoint-config-${endpointId}`;
export const endpointHealthWorkflowId = (endpointId: string): string => `endpoint-health-${endpointId}`;
export const deliveryWorkflowId = (endpointId: string, signalId: string): string =>
  `dlv_${endpointId}_${signalId}`;
/** The tracker of one signal's deliveries (signal ids are the platform's, unique per tenant). */
export const signalTrackerWorkflowId = (tenantId: string, signalId: string): string =>
  `signal-tracker-${tenantId}-${signalId}`;
/** The sequencer of one endpoint's ordering key, named by the key's hash (keys may be personal data). */
export const deliverySequencerWorkflowId = (endpointId: string, keyHash: string): string =>
  `sequencer-${endpointId}-${keyHash}`;

/** One-off callbacks have no endpoint; this stands in for one, named by the URL's hash. */
export const CALLBACK_ENDPOINT_PREFIX = 'cb_';
