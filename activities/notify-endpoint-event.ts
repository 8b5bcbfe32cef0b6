import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { EndpointEventType } from '../workflows/records';
import { describeFailure, postOpsEvent } from './post-ops-event';
import type { OpsWebhookDeps } from './post-ops-event';

/** Where pause/resume notices go; either channel may be left unconfigured. */
export interface NotifierConfig {
  /** e.g. `smtp://user:pass@127.0.0.1:2525`. */
  smtp: { url: string; from: string } | undefined;
  opsWebhook: { url: string; secret: string } | undefined;
}

/**
 * An endpoint was paused or resumed, or its probes ran out. Carries no URL, secret or payload, so
 * it is safe to send out.
 */
export interface EndpointEvent {
  /** Unique per event (e.g. `evt_<hex>`), made by the caller; lets receivers drop retried copies. */
  id: string;
  type: EndpointEventType;
  /** ISO 8601. */
  occurred_at: string;
  tenant_id: string;
  endpoint_id: string;
  endpoint_label: string;
  /** Why it was paused; on `endpoint.resumed`, `recovered` when a probe brought it back, else `null`. */
  reason: 'failure_streak' | 'gone' | 'manual' | 'recovered' | null;
  consecutive_failures: number;
  /** null: the endpoint never pauses on failures. */
  threshold: number | null;
  /** On `endpoint.probes_exhausted`: how many probes were made, all failed. */
  probes?: number;
}

/** What the notifier needs from the worker. */
export interface NotifierDeps extends OpsWebhookDeps {
  config: NotifierConfig;
  /** The tenant owner's e-mail, or undefined when the tenant has none. */
  ownerEmail(tenantId: string): Promise<string | undefined>;
}

/** Which channels actually carried the event. */
export interface NotifyResult {
  emailed: boolean;
  posted: boolean;
}

const TIMEOUT_MS = 10_000;
const transports = new WeakMap<NotifierDeps, Transporter>();

/**
 * Tells the tenant's owner (e-mail) and the operator (signed ops webhook) that an endpoint was paused
 * or resumed. Both channels are always tried; if either fails this throws afterwards so Temporal
 * retries the activity. A retry may repeat the channel that succeeded: both carry the event id.
 */
export async function notifyEndpointEvent(deps: NotifierDeps, event: EndpointEvent): Promise<NotifyResult> {
  const [mail, post] = await Promise.allSettled([sendMail(deps, event), postOpsEvent(deps, event)]);
  const failures: string[] = [];
  if (mail.status === 'rejected') failures.push(`e-mail (${describeFailure(mail.reason)})`);
  if (post.status === 'rejected') failures.push(`ops webhook (${describeFailure(post.reason)})`);
  if (failures.length > 0) throw new Error(`${event.type} ${event.id} not notified: ${failures.join(', ')}`);
  return {
    emailed: mail.status === 'fulfilled' && mail.value,
    posted: post.status === 'fulfilled' && post.value,
  };
}

async function sendMail(deps: NotifierDeps, event: EndpointEvent): Promise<boolean> {
  const smtp = deps.config.smtp;
  if (!smtp) return false;
  const to = await deps.ownerEmail(event.tenant_id);
  if (!to) return false;
  let transport = transports.get(deps);
  if (!transport) {
    transport = nodemailer.createTransport({
      url: smtp.url,
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
    });
    transports.set(deps, transport);
  }
  await transport.sendMail({
    from: smtp.from,
    to,
    subject: subjectOf(event),
    text: bodyOf(event),
    headers: { 'X-Signal-Push-Event-Id': event.id },
  });
  return true;
}

const REASONS = {
  failure_streak: 'too many consecutive failed deliveries',
  gone: 'the receiver answered 410 Gone, saying it no longer wants these deliveries',
  manual: 'paused by an operator',
  recovered: 'it answered a signed probe with a 2xx, so signal-push resumed it',
} as const;

function subjectOf(event: EndpointEvent): string {
  const endpoint = `[signal-push] Endpoint "${event.endpoint_label}"`;
  if (event.type === 'endpoint.probes_exhausted') {
    return `${endpoint} is still down after ${event.probes} probes: it stays paused until you resume it`;
  }
  if (event.reason === 'recovered') return `${endpoint} is back: resumed after it answered a probe`;
  if (event.type === 'endpoint.resumed') return `${endpoint} resumed`;
  if (event.reason === 'failure_streak') {
    return `${endpoint} paused: ${event.consecutive_failures} consecutive failed deliveries`;
  }
  if (event.reason === 'gone') return `${endpoint} paused: the receiver answered 410 Gone`;
  return `${endpoint} paused by an operator`;
}

function bodyOf(event: EndpointEvent): string {
  const resumed = event.type === 'endpoint.resumed';
  const exhausted = event.type === 'endpoint.probes_exhausted';
  return [
    resumed
      ? `Your signal-push endpoint "${event.endpoint_label}" has been resumed.`
      : exhausted
        ? `Your signal-push endpoint "${event.endpoint_label}" is still paused: it failed all ${event.probes} probes ` +
          'signal-push sent since the pause, and no more will be sent.'
        : `Your signal-push endpoint "${event.endpoint_label}" has been paused: nothing is being sent to it.`,
    '',
    `Endpoint id:          ${event.endpoint_id}`,
    `Endpoint label:       ${event.endpoint_label}`,
    ...(event.reason ? [`Reason:               ${REASONS[event.reason]}`] : []),
    `Consecutive failures: ${event.consecutive_failures} (pause threshold: ${event.threshold ?? 'none'})`,
    `Time:                 ${event.occurred_at}`,
    '',
    ...(resumed
      ? [
          'Deliveries held while it was paused are being released to it now, along with new ones.',
          ...(event.reason === 'recovered'
            ? ['Its dead letters from the outage follow, oldest first, at a bounded rate.']
            : []),
        ]
      : [
          'While it is paused, new and pending deliveries are held, not dropped; they are released when',
          'the endpoint is resumed. Once the receiver is fixed, resume it with the tenant API key:',
          '',
          `  POST /v1/endpoints/${event.endpoint_id}/resume`,
          '  Authorization: Bearer <tenant API key>',
        ]),
    '',
    `Event id: ${event.id}`,
    '',
  ].join('\n');
}
