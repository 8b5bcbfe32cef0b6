import { loadConfig } from './config';
import { createServiceLog, serviceLog, useServiceLog } from './log/service-log';
import { startService } from './service';
import { sdkMetricsExporter } from './metrics/sdk-metrics';
import { installRuntimeLog } from './temporal/runtime-log';

/** `npm start`: the whole service, on the embedded dev server unless TEMPORAL_ADDRESS is set. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createServiceLog(config.logLevel);
  useServiceLog(log);
  installRuntimeLog(log, config.logLevel, await sdkMetricsExporter());
  const service = await startService(config);
  const lines = [
    `signal-push is running (${config.role})`,
    `  Temporal:        ${service.temporalAddress}${service.devServer ? ' (embedded dev server)' : ''}`,
    service.webUiUrl ? `  Temporal Web UI: ${service.webUiUrl}` : undefined,
    service.apiUrl ? `  API:             ${service.apiUrl}` : undefined,
    service.operatorKey?.file
      ? `  Operator key:    ${service.operatorKey.file}${service.operatorKey.created ? ' (new)' : ''}`
      : service.operatorKey && '  Operator key:    from SIGNAL_PUSH_OPERATOR_KEY',
    service.codecKeys.file
      ? `  Payload keys:    ${service.codecKeys.file}${service.codecKeys.created ? ' (new)' : ''}`
      : '  Payload keys:    from SIGNAL_PUSH_CODEC_KEYS',
  ];
  // The banner is for the operator at a terminal, on stdout; the log (stderr) is for machines.
  console.log(lines.filter(Boolean).join('\n'));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  // The message only: it says what to fix (a setting, an unreachable server); a stack would bury it.
  serviceLog().error(
    `signal-push failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
