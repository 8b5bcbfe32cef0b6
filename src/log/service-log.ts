import type { LogLevel } from '@temporalio/common';
import pino from 'pino';

export type ServiceLog = pino.Logger;

/**
 * The service's log: one JSON object a line on stderr (stdout keeps the start-up banner), at `level`
 * and above. Written synchronously, so a line is out before the process exits or is killed. An
 * `error` field is serialized with its type, message and stack.
 */
export function createServiceLog(
  level: LogLevel,
  destination: pino.DestinationStream = pino.destination({ dest: 2, sync: true }),
): ServiceLog {
  return pino(
    {
      level: level.toLowerCase(),
      errorKey: 'error',
      serializers: { error: pino.stdSerializers.err },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

let current: ServiceLog | undefined;

/** The process's log: the one `useServiceLog` set, or warnings and errors on stderr until then. */
export function serviceLog(): ServiceLog {
  return (current ??= createServiceLog('WARN'));
}

/** Sets the process's log once its level is known (at start, from SIGNAL_PUSH_LOG_LEVEL). */
export function useServiceLog(log: ServiceLog): void {
  current = log;
}
