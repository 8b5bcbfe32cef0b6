// Over 250 lines for a reason: every setting the service takes from the environment is parsed and
// checked here, in one schema, so the README's Configuration table has one place to agree with.
import path from 'node:path';
import { z } from 'zod';
import type { NotifierConfig } from '../activities/notify-endpoint-event';
import type { RecoveryPlan } from '../workflows/endpoint-recovery-contract';
import { TASK_QUEUE } from '../workflows/ids';
import type { TrustProxy } from './api/trust-proxy';
import { trustProxySchema } from './api/trust-proxy';
import { portalLinkSecondsSchema } from './schemas/portal';

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** `a, b,c` → `['a', 'b', 'c']`; unset or empty → `[]`. */
const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** What `OTEL_TRACES_EXPORTER` may name: one exporter, or none. */
const TRACES_EXPORTERS = ['otlp', 'console', 'none'] as const;
/** Only OTLP over HTTP with protobuf bodies, the specification's default, is built in. */
const otlpProtocol = optionalString.pipe(
  z.literal('http/protobuf', { message: 'only http/protobuf is supported' }).optional(),
);

const envSchema = z
  .object({
    SIGNAL_PUSH_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
    SIGNAL_PUSH_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
    HOST: z.string().default('127.0.0.1'),
    PORT: port.default(3000),
    SIGNAL_PUSH_OPS_PORT: port.default(9464),
    SIGNAL_PUSH_DATA_DIR: z.string().default('.signal-push'),
    SIGNAL_PUSH_OPERATOR_KEY: optionalString.pipe(z.string().min(32).optional()),
    SIGNAL_PUSH_SIGNATURE_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .default('X-PQ-Signature'),
    SIGNAL_PUSH_USER_AGENT: z.string().default('signal-push/0.1 (+https://github.com/signal-push)'),
    /** Deliveries one worker runs at once (README: "Priority lanes and fairness"). */
    // At least 2: the SDK polls the worker's sticky queue and the shared one side by side.
    SIGNAL_PUSH_WORKER_DELIVERY_SLOTS: z.coerce.number().int().min(2).max(10_000).default(1000),
    /** Workflow starts the API has in flight to Temporal at once (src/deliveries/start-admission.ts). */
    SIGNAL_PUSH_STARTS_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(16),
    /** Multiplies every retry delay; tests set it low so schedules play out in seconds. */
    SIGNAL_PUSH_RETRY_DELAY_SCALE: z.coerce.number().positive().max(1).default(1),
    SIGNAL_PUSH_MAX_PAYLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(256 * 1024),
    /** How long a dead letter waits for a replay before it expires (PQ Intel: 7 days). */
    SIGNAL_PUSH_DEAD_LETTER_RETENTION_SECONDS: z.coerce
      .number()
      .positive()
      .default(7 * 24 * 60 * 60),
    /** Self-healing: the waits before each probe of a streak-paused endpoint; the last repeats. */
    SIGNAL_PUSH_PROBE_SCHEDULE_SECONDS: commaList
      .pipe(
        z
          .array(
            z
              .string()
              .regex(/^[1-9]\d{0,4}$/, 'must be whole seconds, at least 1')
              .transform(Number),
          )
          .max(20),
      )
      .transform((seconds) => (seconds.length > 0 ? seconds : [60, 300, 1800, 3600])),
    /** Probes before giving up (the defaults: 1 min, 5 min, 30 min, then hourly for about two days). */
    SIGNAL_PUSH_PROBE_MAX: z.coerce.number().int().min(1).max(1000).default(48),
    /** Dead letters a recovered endpoint gets replayed a minute. */
    SIGNAL_PUSH_RECOVERY_REPLAYS_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(60),
    SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
    SMTP_FROM: z.string().default('signal-push <no-reply@localhost>'),
    SIGNAL_PUSH_OPS_WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    SIGNAL_PUSH_OPS_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16).optional()),
    /** Hosts and CIDR ranges that may be reached although private (local development and tests). */
    SIGNAL_PUSH_OUTBOUND_ALLOW: commaList,
    SIGNAL_PUSH_OUTBOUND_ALLOW_HTTP: z.enum(['true', 'false']).default('false'),
    SIGNAL_PUSH_OUTBOUND_PROXY: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    /** A PEM file of extra CA certificates deliveries trust, in addition to Node's default roots. */
    SIGNAL_PUSH_OUTBOUND_CA_PATH: optionalString,
    /** `kid:base64key,…`, 32-byte AES keys; the first encrypts, all decrypt (rotation). */
    SIGNAL_PUSH_CODEC_KEYS: optionalString,
    SIGNAL_PUSH_CODEC_CORS_ORIGINS: commaList,
    SIGNAL_PUSH_API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
    SIGNAL_PUSH_TRUST_PROXY: trustProxySchema,
    /** Where customers reach this API (portal links point there); unset: the host a request named. */
    SIGNAL_PUSH_PORTAL_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    SIGNAL_PUSH_PORTAL_LINK_SECONDS: portalLinkSecondsSchema.default(60 * 60),
    /** Origins that may frame the portal (CSP frame-ancestors); none by default. */
    SIGNAL_PUSH_PORTAL_FRAME_ANCESTORS: commaList.pipe(z.array(z.url({ protocol: /^https?$/ }))),
    TEMPORAL_ADDRESS: optionalString,
    TEMPORAL_NAMESPACE: z.string().default('default'),
    TEMPORAL_TASK_QUEUE: z.string().default(TASK_QUEUE),
    TEMPORAL_TLS_CERT_PATH: optionalString,
    TEMPORAL_TLS_KEY_PATH: optionalString,
    TEMPORAL_TLS_CA_PATH: optionalString,
    TEMPORAL_API_KEY: optionalString,
    TEMPORAL_CLI_PATH: optionalString,
    TEMPORAL_DEV_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    // OpenTelemetry's own variables, as its SDK environment specification names them; the exporter
    // and the SDK read the rest (headers, timeouts, sampler, batch sizes) themselves.
    OTEL_SDK_DISABLED: optionalString,
    OTEL_TRACES_EXPORTER: optionalString.pipe(z.enum(TRACES_EXPORTERS).optional()),
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalString,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString,
    OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
    /** The Web UI of the cluster at TEMPORAL_ADDRESS, shown at start (the dev server's is known). */
    TEMPORAL_UI_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  })
  .refine((env) => !env.SIGNAL_PUSH_OPS_WEBHOOK_URL || env.SIGNAL_PUSH_OPS_WEBHOOK_SECRET, {
    path: ['SIGNAL_PUSH_OPS_WEBHOOK_SECRET'],
    message: 'is required when SIGNAL_PUSH_OPS_WEBHOOK_URL is set (operational events are signed)',
  });

export interface Config {
  role: 'all' | 'api' | 'worker';
  logLevel: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  host: string;
  port: number;
  /** Where a worker-only process serves /healthz, /readyz and /metrics (the API serves them on `port`). */
  opsPort: number;
  dataDir: string;
  operatorKey: string | undefined;
  signatureHeader: string;
  userAgent: string;
  /**
   * Workflow tasks a worker holds at once; a delivery's attempt holds one while it waits on the
   * receiver. Tasks beyond it wait in Temporal's queue, where lanes and fairness order them.
   */
  workerDeliverySlots: number;
  /**
   * Workflow starts the API has in flight to Temporal at once; more wait their turn, hot before
   * cold and tenant after tenant, so one tenant's flood of starts cannot hold up another's.
   */
  startsInFlight: number;
  retryDelayScale: number;
  maxPayloadBytes: number;
  deadLetterRetentionMs: number;
  notifications: NotifierConfig;
  /** How endpoints with `auto_resume` are probed and recover. */
  recovery: RecoveryPlan;
  outbound: {
    /** Hostnames and CIDR ranges exempt from the private-address ban; empty in production. */
    allow: string[];
    allowHttp: boolean;
    proxyUrl: string | undefined;
    /** PEM file of CA certificates trusted for deliveries besides Node's default roots. */
    caPath: string | undefined;
  };
  /** Raw `SIGNAL_PUSH_CODEC_KEYS`; `undefined` lets the embedded default make and keep a key. */
  codecKeys: string | undefined;
  codecCorsOrigins: string[];
  apiRateLimitPerMinute: number;
  /** Which proxies in front of the API are believed about the client (src/api/trust-proxy.ts). */
  trustProxy: TrustProxy;
  portal: {
    /** The API's public base URL for portal links; `undefined`: the request's own host. */
    baseUrl: string | undefined;
    /** How long a portal link lasts unless its creator says otherwise. */
    linkSeconds: number;
    /** Origins allowed to embed the portal in a frame. */
    frameAncestors: string[];
  };
  /** Where spans go: an OTLP collector, the console, or nowhere (`null`, the default: no tracing). */
  tracesExporter: 'otlp' | 'console' | null;
  temporal: {
    /** `undefined` means: start and use the embedded dev server. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    tls: { certPath?: string; keyPath?: string; caPath?: string } | undefined;
    apiKey: string | undefined;
    cliPath: string | undefined;
    devPort: number;
    uiPort: number;
    /** An external cluster's Web UI, for the start-up banner; the dev server's is its own. */
    uiUrl: string | undefined;
  };
}

/** Reads the environment once; a bad value stops start-up with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const tls =
    e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_CA_PATH
      ? {
          certPath: e.TEMPORAL_TLS_CERT_PATH,
          keyPath: e.TEMPORAL_TLS_KEY_PATH,
          caPath: e.TEMPORAL_TLS_CA_PATH,
        }
      : undefined;
  return Object.freeze({
    role: e.SIGNAL_PUSH_ROLE,
    logLevel: e.SIGNAL_PUSH_LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    opsPort: e.SIGNAL_PUSH_OPS_PORT,
    dataDir: path.resolve(e.SIGNAL_PUSH_DATA_DIR),
    operatorKey: e.SIGNAL_PUSH_OPERATOR_KEY,
    signatureHeader: e.SIGNAL_PUSH_SIGNATURE_HEADER,
    userAgent: e.SIGNAL_PUSH_USER_AGENT,
    workerDeliverySlots: e.SIGNAL_PUSH_WORKER_DELIVERY_SLOTS,
    startsInFlight: e.SIGNAL_PUSH_STARTS_IN_FLIGHT,
    retryDelayScale: e.SIGNAL_PUSH_RETRY_DELAY_SCALE,
    maxPayloadBytes: e.SIGNAL_PUSH_MAX_PAYLOAD_BYTES,
    deadLetterRetentionMs: e.SIGNAL_PUSH_DEAD_LETTER_RETENTION_SECONDS * 1000,
    notifications: Object.freeze({
      smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM } : undefined,
      opsWebhook: e.SIGNAL_PUSH_OPS_WEBHOOK_URL
        ? { url: e.SIGNAL_PUSH_OPS_WEBHOOK_URL, secret: e.SIGNAL_PUSH_OPS_WEBHOOK_SECRET! }
        : undefined,
    }),
    recovery: Object.freeze({
      probeDelaysMs: e.SIGNAL_PUSH_PROBE_SCHEDULE_SECONDS.map((seconds) => Math.round(seconds * 1000)),
      maxProbes: e.SIGNAL_PUSH_PROBE_MAX,
      replaysPerMinute: e.SIGNAL_PUSH_RECOVERY_REPLAYS_PER_MINUTE,
    }),
    outbound: Object.freeze({
      allow: e.SIGNAL_PUSH_OUTBOUND_ALLOW,
      allowHttp: e.SIGNAL_PUSH_OUTBOUND_ALLOW_HTTP === 'true',
      proxyUrl: e.SIGNAL_PUSH_OUTBOUND_PROXY,
      caPath: e.SIGNAL_PUSH_OUTBOUND_CA_PATH,
    }),
    codecKeys: e.SIGNAL_PUSH_CODEC_KEYS,
    codecCorsOrigins: e.SIGNAL_PUSH_CODEC_CORS_ORIGINS,
    apiRateLimitPerMinute: e.SIGNAL_PUSH_API_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.SIGNAL_PUSH_TRUST_PROXY,
    portal: Object.freeze({
      baseUrl: e.SIGNAL_PUSH_PORTAL_URL,
      linkSeconds: e.SIGNAL_PUSH_PORTAL_LINK_SECONDS,
      frameAncestors: e.SIGNAL_PUSH_PORTAL_FRAME_ANCESTORS,
    }),
    tracesExporter: tracesExporterOf(e),
    temporal: Object.freeze({
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tls,
      apiKey: e.TEMPORAL_API_KEY,
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: e.TEMPORAL_UI_URL,
    }),
  });
}

/**
 * Tracing is off unless asked for: by naming an exporter, or by giving a collector's address (the
 * OTLP exporter is then implied). `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it off
 * whatever else is set.
 */
function tracesExporterOf(e: z.infer<typeof envSchema>): Config['tracesExporter'] {
  if (e.OTEL_SDK_DISABLED?.toLowerCase() === 'true' || e.OTEL_TRACES_EXPORTER === 'none') return null;
  if (e.OTEL_TRACES_EXPORTER) return e.OTEL_TRACES_EXPORTER;
  return e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : null;
}
