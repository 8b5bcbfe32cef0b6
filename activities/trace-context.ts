import { context, propagation } from '@opentelemetry/api';

/**
 * The W3C Trace Context of the attempt in progress (`traceparent`, and `tracestate` when there is
 * one), for a receiver to join the delivery's trace. Empty where the service does not trace: no
 * propagator is registered then (src/tracing).
 */
export function traceContextHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
