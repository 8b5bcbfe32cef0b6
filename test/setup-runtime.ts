import { beforeAll } from 'vitest';
import { serviceLog } from '../src/log/service-log';
import { sdkMetricsExporter } from '../src/metrics/sdk-metrics';
import { installRuntimeLog } from '../src/temporal/runtime-log';

// Workers log every state change at INFO; tests want warnings and errors only. The SDK's metrics
// are exported as in production, so `/metrics` shows them. Before each file's own hooks start any.
beforeAll(async () => {
  const metrics = await sdkMetricsExporter();
  try {
    installRuntimeLog(serviceLog(), 'WARN', metrics);
  } catch {
    // already installed in this process by an earlier file
  }
});
