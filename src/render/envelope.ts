import type { PayloadFormat } from './payload-format';
import { applyPayloadFormat } from './payload-format';

/**
 * The outer shape of a body: the data itself (PQ Intel, Siggnal, the lead-save API), Prospektr's
 * `{type, tenant, prospect}`, QuintaGo's `{id, type, created, venue, data}`, or the payload the
 * Standard Webhooks spec recommends, `{type, timestamp, data}`.
 */
export const ENVELOPES = ['flat', 'prospektr', 'quintago', 'standard_webhooks'] as const;
export type Envelope = (typeof ENVELOPES)[number];

export interface RenderableEvent {
  id: string;
  type: string;
  /** ISO 8601. */
  occurredAt: string;
  tenant: { id: string; name: string };
  data: Record<string, unknown>;
  /** Data field that carries the id on the wire in the flat envelope, e.g. 'signal_id'. */
  idField?: string;
  /** Key the prospektr envelope nests the data under: 'prospect' for prospect.added. */
  envelopeKey: string;
}

/**
 * The body an endpoint receives: the format applied to the event's data, wrapped in the envelope,
 * extra keys added at the top level. An extra key never replaces one the envelope or the data
 * already wrote: a tenant's constant must not be able to forge an event's id or type.
 */
export function renderPayload(
  event: RenderableEvent,
  envelope: Envelope,
  format: PayloadFormat,
): Record<string, unknown> {
  const body = wrap(event, envelope, applyPayloadFormat(event.data, format));
  for (const [key, value] of Object.entries(format.extra)) {
    if (!Object.hasOwn(body, key)) {
      Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return body;
}

/**
 * The top-level keys an envelope that nests the data writes itself, for checking extra keys
 * against (`payloadFormatProblems`); undefined for 'flat', whose top level is the data's own fields.
 */
export function envelopeKeys(envelope: Envelope, envelopeKey: string): readonly string[] | undefined {
  switch (envelope) {
    case 'flat':
      return undefined;
    case 'prospektr':
      return ['type', 'tenant', envelopeKey];
    case 'quintago':
      return ['id', 'type', 'created', 'venue', 'data'];
    case 'standard_webhooks':
      return ['type', 'timestamp', 'data'];
  }
}

/** Size in bytes of the body as it will be sent (compact JSON, UTF-8). */
export function payloadBytes(body: unknown): number {
  const json: string | undefined = JSON.stringify(body);
  return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
}

function wrap(
  event: RenderableEvent,
  envelope: Envelope,
  data: Record<string, unknown>,
): Record<string, unknown> {
  switch (envelope) {
    case 'flat': {
      if (event.idField === undefined) return data;
      // The id goes first and always: receivers dedupe on it, whatever the format leaves out.
      return Object.fromEntries([
        [event.idField, event.id],
        ...Object.entries(data).filter(([key]) => key !== event.idField),
      ]);
    }
    case 'prospektr':
      return Object.fromEntries([
        ['type', event.type],
        ['tenant', { id: event.tenant.id, name: event.tenant.name }],
        [event.envelopeKey, data],
      ]);
    case 'quintago': {
      const { venue, ...rest } = data;
      return {
        id: event.id,
        type: event.type,
        created: wholeSecondsUtc(event.occurredAt),
        venue: typeof venue === 'string' ? venue : null,
        data: typeof venue === 'string' ? rest : data,
      };
    }
    case 'standard_webhooks':
      return { type: event.type, timestamp: event.occurredAt, data };
  }
}

/** QuintaGo's `created` reads `2025-05-10T14:32:00Z`: UTC, no fraction of a second. */
function wholeSecondsUtc(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new RangeError(`occurredAt is not a date: ${JSON.stringify(iso)}`);
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
