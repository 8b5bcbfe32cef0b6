import type { EndpointRecord } from '../../workflows/records';
import type { EventType } from '../events';
import { eventTypeSpec } from '../events';
import type { Envelope } from '../render/envelope';
import { payloadBytes, renderPayload } from '../render/envelope';

/** An event the intake accepted: validated data under its catalogued type, with its id fixed. */
export interface AcceptedEvent {
  id: string;
  type: EventType;
  /** ISO 8601: when the event happened, as the platform said, or when it was accepted. */
  occurredAt: string;
  data: Record<string, unknown>;
}

/** What Prospektr's envelope shows of the tenant. */
export interface RenderTenant {
  id: string;
  name: string;
}

/** The body one endpoint gets for an event and its size as sent, or why it may not be sent. */
export function renderForEndpoint(
  event: AcceptedEvent,
  tenant: RenderTenant,
  endpoint: Pick<EndpointRecord, 'envelope' | 'payload_format'> &
    Partial<Pick<EndpointRecord, 'signature' | 'secret'>>,
  maxBytes: number,
): { payload: Record<string, unknown>; rejection: string | null; bytes: number } {
  const spec = eventTypeSpec(event.type)!;
  const payload = renderPayload(
    {
      id: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      tenant: { id: tenant.id, name: tenant.name },
      data: event.data,
      idField: spec.idField,
      envelopeKey: spec.envelopeKey,
    },
    endpoint.envelope as Envelope,
    endpoint.payload_format,
  );
  const bytes = payloadBytes(payload) + bodySignatureBytes(endpoint);
  if (bytes <= maxBytes) return { payload, rejection: null, bytes };
  // Kept out of the workflow's history: only the reason is recorded.
  return { payload: {}, rejection: `payload of ${bytes} bytes is over the ${maxBytes}-byte limit`, bytes };
}

/** What PQ Intel's in-body signature adds when sent: `,"signature":"<64 hex digits>"`. */
function bodySignatureBytes(endpoint: Partial<Pick<EndpointRecord, 'signature' | 'secret'>>): number {
  const field = endpoint.signature?.body_field;
  if (!field || !endpoint.secret) return 0;
  return Buffer.byteLength(JSON.stringify(field)) + 68;
}
