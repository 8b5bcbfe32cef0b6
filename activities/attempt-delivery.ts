import { ApplicationFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { ENDPOINT_MISCONFIGURED } from '../workflows/delivery-contract';
import type { AttemptRecord, EndpointSnapshot } from '../workflows/delivery-contract';
import { PROBE_HEADER } from '../workflows/endpoint-recovery-contract';
import { SLOT_MISSED } from '../workflows/rate-slots';
import { classifyError, classifyStatus } from './classify-outcome';
import { retryAfterMs } from './retry-after';
import { traceContextHeaders } from './trace-context';
import { SigningSettingError, hmacHex, signatureHeaders } from './signature-schemes';
import type { SignedMessage, SigningSpec } from './signature-schemes';

/** How much of a receiver's answer is kept in the delivery log. */
export const RESPONSE_EXCERPT_BYTES = 1024;
/** Must stay well under the workflow's heartbeat timeout for attempts. */
export const HEARTBEAT_INTERVAL_MS = 1000;

export interface AttemptInput {
  deliveryId: string;
  attempt: number;
  endpoint: EndpointSnapshot;
  payload: Record<string, unknown>;
  /** The endpoint's rate limit gave this attempt a slot at this time (ISO): wait for it. */
  notBefore?: string | null;
  /** The slot's window closes then (ISO): an attempt that gets there later sends nothing. */
  notAfter?: string | null;
  /** A paused endpoint's probe, not a delivery: marked with the probe header. */
  probe?: boolean;
}

export interface AttemptDeps {
  /**
   * The worker's safe dispatcher (`src/net/safe-dispatcher.ts`): it refuses a forbidden address
   * with a `ForbiddenAddressError`, which becomes a `forbidden_address` attempt.
   */
  dispatcher: Dispatcher;
  userAgent: string;
}

/**
 * One signed POST. HTTP and network failures are results, not exceptions: the workflow owns the
 * retry schedule, and Temporal retries the activity only when a worker is lost mid-attempt.
 */
export async function attemptDelivery(deps: AttemptDeps, input: AttemptInput): Promise<AttemptRecord> {
  await waitForSlot(input.notBefore);
  if (input.notAfter && Date.now() > Date.parse(input.notAfter)) {
    // Sending now could bunch up with the requests of the next slots: the delivery asks for another.
    throw ApplicationFailure.create({
      type: SLOT_MISSED,
      message: 'the rate-limit slot had passed',
      nonRetryable: true,
      // An outcome the schedule expects, not a fault: the SDK logs it at debug, not as a warning
      // with a stack trace, and tracing does not mark the attempt's span as an error.
      category: ApplicationFailureCategory.BENIGN,
    });
  }
  const endpoint = currentSnapshot(input.endpoint);
  const startedAt = new Date();
  const secrets = endpoint.secrets
    .filter(({ expiresAt }) => expiresAt === null || Date.parse(expiresAt) > startedAt.getTime())
    .map(({ secret }) => secret);
  const body = serialize(input.payload, endpoint.signature.body_field, secrets[0]);
  const headers: Record<string, string> = {
    ...lowercaseKeys(endpoint.headers),
    'content-type': 'application/json',
    'user-agent': deps.userAgent,
    'x-signal-push-delivery-id': input.deliveryId,
    'x-signal-push-attempt': String(input.attempt),
    ...(input.probe ? { [PROBE_HEADER]: '1' } : {}),
    ...(endpoint.traceContext ? traceContextHeaders() : {}),
    ...signed(
      { scheme: endpoint.signature.scheme, header: endpoint.signature.header, secrets },
      // The delivery id is the message id: the same on every attempt, so receivers can deduplicate.
      { id: input.deliveryId, timestamp: startedAt, body },
    ),
  };

  const context = Context.current();
  const timeout = AbortSignal.timeout(endpoint.timeoutMs);
  const signal = AbortSignal.any([timeout, context.cancellationSignal]);
  // Only a slow receiver makes a regular activity heartbeat: it lets Temporal notice a lost worker
  // in seconds, not after the whole timeout, and delivers cancellation to a request in flight. A
  // local activity cannot: its worker holds the workflow task, whose timeout notices a lost worker.
  const heartbeat = context.info.isLocal
    ? undefined
    : setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
  const started = performance.now();
  const latency = (): number => Math.round(performance.now() - started);

  try {
    const response = await request(endpoint.url, {
      method: endpoint.method,
      body,
      headers,
      signal,
      dispatcher: deps.dispatcher,
      headersTimeout: endpoint.timeoutMs,
      bodyTimeout: endpoint.timeoutMs,
    });
    const excerpt = await readExcerpt(response.body);
    return {
      attempt: input.attempt,
      started_at: startedAt.toISOString(),
      latency_ms: latency(),
      http_status: response.statusCode,
      error_kind: classifyStatus(response.statusCode),
      response_body: excerpt,
      retry_after_ms: RETRY_AFTER_STATUSES.has(response.statusCode)
        ? retryAfterMs(response.headers['retry-after'], new Date())
        : null,
    };
  } catch (error) {
    if (signal.aborted && !timeout.aborted) throw error; // cancelled: let Temporal see it
    return {
      attempt: input.attempt,
      started_at: startedAt.toISOString(),
      latency_ms: latency(),
      http_status: null,
      error_kind: classifyError(error, timeout.aborted),
      response_body: '',
      retry_after_ms: null,
    };
  } finally {
    clearInterval(heartbeat);
  }
}

/** The last moments before a rate-limit slot, waited out here (cancellable) to the millisecond. */
async function waitForSlot(notBefore: string | null | undefined): Promise<void> {
  const wait = notBefore ? Date.parse(notBefore) - Date.now() : 0;
  if (wait > 0) await Context.current().sleep(wait);
}

/**
 * Deliveries started before signature schemes existed carry `{secret, signatureHeader}`: they are
 * sent as they would have been then, a hex signature in that header.
 */
function currentSnapshot(endpoint: EndpointSnapshot): EndpointSnapshot {
  if (Array.isArray(endpoint.secrets)) return endpoint;
  const legacy = endpoint as unknown as { secret: string; signatureHeader: string };
  return {
    ...endpoint,
    method: 'POST',
    headers: {},
    signature: { scheme: 'hex', header: legacy.signatureHeader, body_field: null },
    secrets: [{ secret: legacy.secret, expiresAt: null }],
  };
}

/** Statuses whose Retry-After the schedule honours: too many requests, and unavailable for now. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * Serializes once, and the signature goes over those exact bytes: the receiver verifies what it
 * received. PQ Intel also puts a signature in the body: the hex HMAC of the body without it, added
 * last, so the header (over the whole body) verifies too.
 */
function serialize(payload: Record<string, unknown>, bodyField: string | null, secret: string | undefined) {
  const json = JSON.stringify(payload);
  if (bodyField === null || secret === undefined) return Buffer.from(json);
  return Buffer.from(JSON.stringify({ ...payload, [bodyField]: hmacHex(secret, json) }));
}

function lowercaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** Reads at most RESPONSE_EXCERPT_BYTES and drops the rest, so an endless body cannot hold us. */
async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buffer);
      size += buffer.length;
      if (size >= RESPONSE_EXCERPT_BYTES) break;
    }
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}

/** The signature headers; settings that cannot sign fail the attempt for good (a typed failure). */
function signed(spec: SigningSpec, message: SignedMessage): Record<string, string> {
  try {
    return signatureHeaders(spec, message);
  } catch (error) {
    if (!(error instanceof SigningSettingError)) throw error;
    throw ApplicationFailure.create({
      type: ENDPOINT_MISCONFIGURED,
      message: error.message,
      nonRetryable: true,
    });
  }
}
