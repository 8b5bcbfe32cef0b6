import { z } from 'zod';

/** Every event type signal-push can dispatch, one per event the seed products document. */
export const EVENT_TYPES = [
  // PQ Intel
  'buying_signal',
  // Prospektr
  'prospect.added',
  // QuintaGo
  'lead.created',
  'lead.updated',
  'lead.stage_changed',
  'lead.archived',
  'proposal.created',
  'proposal.sent',
  'proposal.viewed',
  'proposal.signed',
  'payment.received',
  'message.received',
  // Siggnal
  'project_signal',
  // lead-save API
  'save_lead',
  // the result of an asynchronous API operation, posted to a one-off `webhook_url`
  'operation.result',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const known: ReadonlySet<string> = new Set(EVENT_TYPES);

/** Whether `value` names a catalogued event type. */
export function isEventType(value: string): value is EventType {
  return known.has(value);
}

/**
 * Whether a subscription pattern selects an event type. A pattern is an exact type, `*` (every
 * type), or a prefix wildcard such as `lead.*`, which matches `lead.created` but neither `lead`
 * itself nor `leads.created`.
 */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1); // keeps the dot, so `lead.*` cannot match `leads.x`
    return type.length > prefix.length && type.startsWith(prefix);
  }
  return pattern === type;
}

const UNKNOWN_TYPE = `must be a known event type (${EVENT_TYPES.join(', ')}), "*" or a prefix such as "lead.*"`;

/** A subscription pattern: a known event type, `*`, or a `<prefix>.*` that selects at least one known type. */
export const eventTypePatternSchema = z
  .string()
  .max(100)
  .superRefine((pattern, ctx) => {
    if (pattern === '*' || isEventType(pattern)) return;
    if (!pattern.endsWith('.*')) {
      ctx.addIssue({ code: 'custom', message: UNKNOWN_TYPE });
    } else if (!EVENT_TYPES.some((type) => matchesEventType(pattern, type))) {
      ctx.addIssue({ code: 'custom', message: `"${pattern}" matches no known event type; ${UNKNOWN_TYPE}` });
    }
  });
