import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource, detectResourcesSync, envDetectorSync } from '@opentelemetry/resources';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Tracing } from './tracing';

/** OpenTelemetry's SDK, loaded by `startTracing` (./tracing.ts) only when tracing is on. */
export function startTracerProvider(exporter: SpanExporter | 'otlp' | 'console'): Tracing {
  const spanProcessor =
    exporter === 'otlp'
      ? new BatchSpanProcessor(new OTLPTraceExporter())
      : new SimpleSpanProcessor(exporter === 'console' ? new ConsoleSpanExporter() : exporter);
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
