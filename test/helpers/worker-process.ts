// A worker in a process of its own, so a test can kill it like a crashed machine (SIGKILL) or stop
// it the way an orchestrator does (SIGTERM).
import { loadConfig } from '../../src/config';
import { createServiceLog, useServiceLog } from '../../src/log/service-log';
import { sdkMetricsExporter } from '../../src/metrics/sdk-metrics';
import { startService } from '../../src/service';
import { installRuntimeLog } from '../../src/temporal/runtime-log';

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, SIGNAL_PUSH_ROLE: 'worker' });
  const log = createServiceLog(config.logLevel);
  useServiceLog(log);
  installRuntimeLog(log, config.logLevel, await sdkMetricsExporter());
  const service = await startService(config, { workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH });
  process.once('SIGTERM', () => {
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.stdout.write(`worker ready${service.opsUrl ? ` ${service.opsUrl}` : ''}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
