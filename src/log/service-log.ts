import type { LogLevel } from '@temporalio/common';
import pino from 'pino';
import pretty from 'pino-pretty';
import { currentRequestId } from './request-context';

export type ServiceLog = pino.Logger;

/**
 * The service's log: one JSON object a line on stderr (stdout keeps the start-up banner), at `level`
 * and above. Written synchronously, so a line is out before the process exits or is killed. An
 * `error` field is serialized with its type, message and stack. A line logged while an API request
 * is served carries its `request_id`.
 */
export function createServiceLog(
  level: LogLevel,
  destination: pino.DestinationStream = defaultDestination(),
): ServiceLog {
  return pino(
    {
      level: level.toLowerCase(),
      errorKey: 'error',
      serializers: { error: pino.stdSerializers.err },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { request_id: requestId };
      },
    },
    destination,
  );
}

/**
 * JSON for machines (a container's log driver, a file, a pipe); a person at a terminal reads one
 * coloured line per record instead, fields below it, unless NODE_ENV says this is production.
 */
function defaultDestination(): pino.DestinationStream {
  if (process.stderr.isTTY && process.env.NODE_ENV !== 'production') {
    return pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  }
  return pino.destination({ dest: 2, sync: true });
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
