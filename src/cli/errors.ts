import { WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';

/** The CLI's exit codes; scripts branch on them, so they never change meaning. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  conflict: 3,
  notFound: 4,
  unavailable: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  unexpected error (or some replays of a bulk replay failed, or a send-test was refused)
  2  usage or validation error (bad option value, unknown command)
  3  conflict (not dead-lettered, endpoint deleted, plan below usage, deliveries in flight)
  4  not found (tenant, endpoint or delivery)
  5  cannot connect to Temporal

Set SIGNAL_PUSH_DEBUG=1 to print stack traces.`;

/** An expected failure: its message is shown as is, and it exits with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const GRPC = { invalidArgument: 3, deadlineExceeded: 4, notFound: 5, unavailable: 14 } as const;

/** The gRPC status behind an SDK error: the SDK wraps it in a ServiceError's `cause`. */
function grpcStatus(error: unknown): { code: number; details: string } | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (isGrpcServiceError(current)) return { code: current.code, details: current.details };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps any failure to an exit code and a one-line message fit for an operator's terminal. */
export function describeFailure(error: unknown): { exitCode: ExitCode; message: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof NamespaceNotFoundError) {
    // A wrong --namespace or TEMPORAL_NAMESPACE, not a missing delivery: scripts must tell them apart.
    return { exitCode: EXIT.usage, message: `namespace '${error.namespace}' not found` };
  }
  if (error instanceof WorkflowNotFoundError) {
    return { exitCode: EXIT.notFound, message: `not found: ${error.workflowId ?? 'workflow'}` };
  }
  const status = grpcStatus(error);
  if (status?.code === GRPC.unavailable) {
    return { exitCode: EXIT.unavailable, message: `lost the connection to Temporal: ${status.details}` };
  }
  if (status?.code === GRPC.deadlineExceeded) {
    // Queries are answered by a worker: with none polling the service's task queue, they time out.
    const hint = 'is a signal-push worker running?';
    return {
      exitCode: EXIT.unexpected,
      message: `Temporal did not answer in time (${hint}): ${status.details}`,
    };
  }
  if (status?.code === GRPC.invalidArgument) {
    return { exitCode: EXIT.usage, message: `Temporal refused the request: ${status.details}` };
  }
  if (status?.code === GRPC.notFound) {
    return { exitCode: EXIT.notFound, message: `not found: ${status.details}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT.unexpected, message };
}

/** One line, no terminal control characters: messages can echo user input or server text. */
export function oneLine(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
    .trim();
}
