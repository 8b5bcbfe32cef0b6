import { asyncLocalStorage } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { hmacHex } from './signature-schemes';

/** The operator's ops webhook (`SIGNAL_PUSH_OPS_WEBHOOK_URL`) and what a post to it needs. */
export interface OpsWebhookDeps {
  config: { opsWebhook: { url: string; secret: string } | undefined };
  /** The ops connection pool: the operator's URL may be internal, so it skips the outbound checks. */
  dispatcher: Dispatcher;
  userAgent: string;
}

const TIMEOUT_MS = 10_000;

/**
 * POSTs an operational event, signed like a delivery (hex HMAC-SHA256 of the body). False when no
 * ops webhook is configured; throws on a non-2xx answer or a network error, so the activity retries.
 */
export async function postOpsEvent(deps: OpsWebhookDeps, event: { id: string }): Promise<boolean> {
  const ops = deps.config.opsWebhook;
  if (!ops) return false;
  const body = Buffer.from(JSON.stringify(event));
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  // Outside a worker (tests, scripts) there is no activity to cancel.
  const cancelled = asyncLocalStorage.getStore()?.cancellationSignal;
  const res = await request(ops.url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': deps.userAgent,
      'x-signal-push-event-id': event.id,
      'x-signal-push-signature': hmacHex(ops.secret, body),
    },
    signal: cancelled ? AbortSignal.any([timeout, cancelled]) : timeout,
    dispatcher: deps.dispatcher,
  });
  await res.body.dump();
  if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`HTTP ${res.statusCode}`);
  return true;
}

/** Names a failure by status or error code only: SMTP and undici messages can echo addresses or URLs. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  if (typeof code === 'string') return typeof responseCode === 'number' ? `${code} ${responseCode}` : code;
  if (/^HTTP \d{3}$/.test(error.message)) return error.message;
  return error.name;
}
