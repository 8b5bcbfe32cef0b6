import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Tracing } from './tracing';

// Temporal's OpenTelemetry interceptors carry the active span from a client call into the workflow
// (in a header) and on to its activities, local ones included. Off, none is installed, in the
// workflow bundle either (src/temporal/workflow-interceptor-modules.ts): no span, no header, no cost.

/** Spans for starting, signalling and updating workflows, joined to the API request's span. */
export const tracingClientInterceptors = (tracing: Tracing | undefined): WorkflowClientInterceptor[] =>
  tracing ? [new OpenTelemetryWorkflowClientInterceptor()] : [];

/** A span for each activity run, a child of the workflow's span that scheduled it. */
export const tracingActivityInterceptors = (tracing: Tracing | undefined): ActivityInterceptorsFactory[] =>
  tracing
    ? [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ]
    : [];

/** Where the workflow-side interceptors' spans leave the sandbox, to be exported with the rest. */
export const workflowSpanSinks = (tracing: Tracing): InjectedSinks<OpenTelemetrySinks> => ({
  exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource),
});
