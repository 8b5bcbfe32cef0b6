import { DefaultLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { DELIVERY_WORKFLOW_TYPE } from './visibility-query';

/**
 * The SDK logs every failed workflow as a warning with its stack trace. A delivery that ends
 * failed is an outcome the service expects (its attempts are in its history, its dead letter is
 * kept): the warning stays, as one line naming the delivery and why, without the stack.
 */
export class ServiceLogger extends DefaultLogger {
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (message === 'Workflow failed' && meta?.workflowType === DELIVERY_WORKFLOW_TYPE) {
      const error = meta.error as { message?: unknown } | undefined;
      const reason = typeof error?.message === 'string' ? error.message : 'unknown reason';
      super.log(level, `Delivery ${String(meta.workflowId)} failed: ${reason}`);
      return;
    }
    super.log(level, message, meta);
  }
}
