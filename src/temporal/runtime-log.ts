import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';
import type { MetricsExporterConfig } from '@temporalio/worker';
import { Runtime } from '@temporalio/worker';
import type { ServiceLog } from '../log/service-log';
import { DELIVERY_WORKFLOW_TYPE } from './visibility-query';

const METHOD = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
} as const satisfies Record<LogLevel, string>;

/** What the SDK's workflow lifecycle logs when a workflow fails; it marks the event by nothing else. */
const WORKFLOW_FAILED = 'Workflow failed';
/** How webpack's report on the workflow bundle starts; the SDK logs it whole, at INFO. */
const BUNDLER_REPORT = 'asset workflow-bundle-';

/**
 * The Temporal SDK's logger as lines of the service log: the SDK's own messages, workflows' and
 * activities' `log`, and (forwarded) the native core's. Their metadata become fields.
 *
 * The SDK logs every failed workflow as a warning with its error and stack. A delivery that ends
 * failed is an outcome the service expects (its attempts are in its history, its dead letter is
 * kept): the warning stays, as one line naming the delivery and why, and the API request behind
 * it (workflows/request-id-interceptors.ts), without the stack.
 *
 * Bundling the workflows at start, the SDK logs webpack's report of every module, twenty lines
 * in one record, at INFO: that goes to DEBUG, and its one-line "Workflow bundle created" stays.
 */
export class RuntimeLog implements Logger {
  constructor(private readonly target: ServiceLog) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    // String keys only: the SDK's timestamp rides on a symbol, and the line has a time of its own.
    const fields: Record<string, unknown> = Object.fromEntries(Object.entries(meta));
    if (message === WORKFLOW_FAILED && fields.workflowType === DELIVERY_WORKFLOW_TYPE) {
      const error = fields.error as { message?: unknown } | undefined;
      const reason = typeof error?.message === 'string' ? error.message : 'unknown reason';
      const deliveryId = String(fields.workflowId);
      const request = 'request_id' in fields ? { request_id: fields.request_id } : {};
      this.target[METHOD[level]](
        { deliveryId, reason, ...request },
        `Delivery ${deliveryId} failed: ${reason}`,
      );
      return;
    }
    if (level === 'INFO' && message.startsWith(BUNDLER_REPORT)) {
      this.target.debug(fields, message);
      return;
    }
    this.target[METHOD[level]](fields, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * Sends everything the Temporal SDK logs, native core included, into `log`, at `level` and above,
 * and its metrics to `metrics` when given. Once per process: the SDK's Runtime is created once.
 */
export function installRuntimeLog(log: ServiceLog, level: LogLevel, metrics?: MetricsExporterConfig): void {
  Runtime.install({
    logger: new RuntimeLog(log),
    telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' }, forward: {} }, metrics },
  });
}
