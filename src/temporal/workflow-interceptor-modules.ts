import path from 'node:path';

/**
 * The workflow interceptor modules a workflow bundle carries; the worker's own bundling and a
 * pre-built bundle (tests) take them from here. Ours, which puts the API request's id on the
 * workflows' log lines, always: it reads one header and adds one field. Temporal's OpenTelemetry
 * interceptors only where the process traces: in the sandbox they make spans (and run the workflow
 * under an async-local context) whether or not anything reads them, which cost about 15 ms of CPU
 * on each replay of a delivery, 60% more than without. They add no commands, so a delivery started
 * with tracing off replays on a worker with it on (test/unit/replay-previous-version.test.ts), and
 * the other way round (test/e2e/tracing.test.ts).
 */
export function workflowInterceptorModules(traced: boolean): string[] {
  return [
    path.join(__dirname, `../../workflows/request-id-interceptors${path.extname(__filename)}`),
    ...(traced ? [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')] : []),
  ];
}
