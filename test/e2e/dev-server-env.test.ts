import { afterEach, expect, inject, test } from 'vitest';
import { startDevServer } from '../../src/temporal/dev-server';
import { freePorts } from '../helpers/free-port';

afterEach(() => {
  delete process.env.OTEL_TRACES_EXPORTER;
});

test("the embedded dev server starts whatever OTEL_* the service's tracing is given (it reads them too)", async () => {
  // The Temporal server has no console exporter: given this variable, it would refuse to start.
  process.env.OTEL_TRACES_EXPORTER = 'console';
  const [port, uiPort] = (await freePorts(2)) as [number, number];
  const server = await startDevServer({
    cliPath: inject('temporalCliPath'),
    port,
    uiPort,
    namespace: 'default',
  });
  try {
    expect(server.owned).toBe(true);
  } finally {
    await server.stop();
  }
});
