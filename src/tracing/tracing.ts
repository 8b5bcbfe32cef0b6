import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource, detectResourcesSync, envDetectorSync } from '@opentelemetry/resources';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
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
export function startTracing(
  exporterName: Config['tracesExporter'],
  exporter?: SpanExporter,
): Tracing | undefined {
  const spanProcessor = exporter
    ? new SimpleSpanProcessor(exporter)
    : exporterName === 'otlp'
      ? new BatchSpanProcessor(new OTLPTraceExporter())
      : exporterName === 'console'
        ? new SimpleSpanProcessor(new ConsoleSpanExporter())
        : undefined;
  if (!spanProcessor) return undefined;
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the name we give ourselves.
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': 'signal-push' }))
    .merge(detectResourcesSync({ detectors: [envDetectorSync] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Trace context only, no W3C baggage: whatever a caller put in its baggage must not travel on to
  // the receivers of its deliveries.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    resource,
    spanProcessor,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
