import { expect, test } from 'vitest';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../../src/config';
import { startTracing } from '../../src/tracing/tracing';

const ENDPOINT = 'http://collector:4318';

test.each([
  [{}, null],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, 'otlp'],
  [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ENDPOINT}/v1/traces` }, 'otlp'],
  [{ OTEL_TRACES_EXPORTER: 'otlp' }, 'otlp'],
  [{ OTEL_TRACES_EXPORTER: 'console' }, 'console'],
  [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, null],
  [{ OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' }, null],
  [{ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, 'otlp'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, null],
] as const)('tracing from %o: %s', (env, exporter) => {
  expect(loadConfig(env).tracesExporter).toBe(exporter);
});

test('an exporter or a protocol signal-push does not have stops start-up, naming the variable', () => {
  expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
  expect(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
    /OTEL_EXPORTER_OTLP_PROTOCOL: only http\/protobuf is supported/,
  );
});

test('tracing starts only when an exporter is configured or given, and stops again', async () => {
  await expect(startTracing(null)).resolves.toBeUndefined();
  const starts = [
    () => startTracing('console'),
    () => startTracing('otlp'),
    () => startTracing(null, new InMemorySpanExporter()),
  ];
  for (const start of starts) {
    const tracing = await start();
    expect(tracing?.resource.attributes['service.name']).toBe('signal-push');
    await tracing?.shutdown();
  }
});
