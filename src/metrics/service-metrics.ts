import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AttemptRecord } from '../../workflows/delivery-contract';

/**
 * The service's own Prometheus metrics, one registry per service (tests run several in a process).
 * No label carries a tenant or endpoint id: both are unbounded (a thousand endpoints a tenant, as
 * many tenants as the platform has), and per-endpoint figures are in the API's delivery log and
 * health views. Labels hold only closed lists: route patterns, methods, status classes, error kinds.
 */
export interface ServiceMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  deliveriesStarted: Counter<'kind'>;
  observeAttempt(record: AttemptRecord): void;
}

/** HTTP status class of an attempt's answer; `none` when no answer came (timeout, refused…). */
export const statusClass = (status: number | null): string =>
  status === null ? 'none' : `${Math.floor(status / 100)}xx`;

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'signal_push_process_' });
  const httpRequests = new Counter({
    name: 'signal_push_http_requests_total',
    help: 'API requests, by method, route pattern and HTTP status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'signal_push_http_request_duration_seconds',
    help: 'API request latency, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const deliveriesStarted = new Counter({
    name: 'signal_push_deliveries_started_total',
    help: 'Deliveries started, by kind (event, callback, test)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'signal_push_delivery_attempts_total',
    help: "Delivery attempts, by the receiver's status class and the failure kind (none on success)",
    labelNames: ['status_class', 'error_kind'] as const,
    registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: 'signal_push_delivery_attempt_duration_seconds',
    help: "Delivery attempt latency, by the receiver's status class",
    labelNames: ['status_class'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    registry,
    httpRequests,
    httpDuration,
    deliveriesStarted,
    observeAttempt(record) {
      const status_class = statusClass(record.http_status);
      attempts.inc({ status_class, error_kind: record.error_kind ?? 'none' });
      attemptDuration.observe({ status_class }, record.latency_ms / 1000);
    },
  };
}
