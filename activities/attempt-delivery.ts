import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import type { AttemptRecord, EndpointSnapshot } from '../workflows/contract';
import { classifyError, classifyStatus } from './classify-outcome';
import { signHex } from './sign';

/** How much of a receiver's answer is kept in the delivery log. */
export const RESPONSE_EXCERPT_BYTES = 1024;
/** Must stay well under the workflow's heartbeat timeout for attempts. */
export const HEARTBEAT_INTERVAL_MS = 1000;

export interface AttemptInput {
  deliveryId: string;
  attempt: number;
  endpoint: EndpointSnapshot;
  payload: Record<string, unknown>;
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
  const { endpoint } = input;
  // Serialize once and sign those exact bytes: the receiver verifies what it received.
  const body = Buffer.from(JSON.stringify(input.payload));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': deps.userAgent,
    'x-signal-push-delivery-id': input.deliveryId,
    'x-signal-push-attempt': String(input.attempt),
    [endpoint.signatureHeader.toLowerCase()]: signHex(endpoint.secret, body),
  };

  const context = Context.current();
  const timeout = AbortSignal.timeout(endpoint.timeoutMs);
  const signal = AbortSignal.any([timeout, context.cancellationSignal]);
  // Only a slow receiver makes us heartbeat: it lets Temporal notice a lost worker in seconds,
  // not after the whole timeout, and delivers cancellation to a request in flight.
  const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
  const startedAt = new Date();
  const started = performance.now();
  const latency = (): number => Math.round(performance.now() - started);

  try {
    const response = await request(endpoint.url, {
      method: 'POST',
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
    };
  } finally {
    clearInterval(heartbeat);
  }
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
