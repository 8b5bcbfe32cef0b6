import type { Resource } from '@opentelemetry/resources';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config';

/** The process's tracing, when it is on: what workers need to export their workflows' spans. */
export interface Tracing {
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** Sends the spans still buffered, then turns tracing off for the process. */
  shutdown(): Promise<void>;
}

/**
 * Turns tracing on for this process, or leaves it off (`undefined`) when neither the configuration
 * nor `exporter` asks for it. On, it sets OpenTelemetry's global tracer provider, W3C Trace Context
 * propagation (activities/trace-context.ts), and the async-local context that carries the active
 * span from an API request into the Temporal client calls it makes. A given `exporter` (tests keep
 * spans in memory) wins over the configured one, and gets each span as it ends.
 */
export async function startTracing(
  exporterName: Config['tracesExporter'],
  exporter?: SpanExporter,
): Promise<Tracing | undefined> {
  const chosen = exporter ?? exporterName;
  if (!chosen) return undefined;
  // The SDK and its exporters take a third of a second of CPU to load: a process without tracing
  // (every worker and API by default) skips that.
  const { startTracerProvider } = await import('./tracer-provider');
  return startTracerProvider(chosen);
}
