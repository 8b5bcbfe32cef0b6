import type { Payload, PayloadCodec } from '@temporalio/common';
import cors from 'cors';
import type { RequestHandler } from 'express';
import express from 'express';
import { z } from 'zod';
import { HttpError, requireJsonBody } from '../errors';
import { parse } from '../validate';
import { PayloadDecryptionError } from '../../codec/aes-gcm-codec';
import { codecLoginRoutes, requireOperatorOrSession } from './codec-login';
import { CodecSessions } from './codec-session';

export interface CodecRouteOptions {
  codec: PayloadCodec;
  /**
   * Only the operator opens the codec, since it turns any history's ciphertext into personal data:
   * by the key, or by a session the key bought at `/login`.
   */
  requireOperator: RequestHandler;
  namespace: string;
  corsOrigins: readonly string[];
  /** Sign-in sessions of the Web UI; by default a fresh set, ended when the process stops. */
  sessions?: CodecSessions;
}

/** Where the embedded Web UI is served from: it calls the codec from the browser, so CORS applies. */
export const defaultCodecCorsOrigins = (uiPort: number): string[] => [
  `http://127.0.0.1:${uiPort}`,
  `http://localhost:${uiPort}`,
];

// Temporal's codec protocol: `Payloads` in protobuf's JSON form, so every bytes field (`data` and
// each metadata value) is base64 (protobuf JSON accepts both alphabets).
const bytes = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
export const payloadsBody = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), bytes).nullish(),
        data: bytes.nullish(),
      }),
    )
    .max(10_000),
});
type JsonPayload = { metadata: Record<string, string>; data: string };

const fromJson = ({ metadata, data }: z.infer<typeof payloadsBody>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(data ?? '', 'base64'),
});

const toJson = ({ metadata, data }: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
});

/**
 * CORS for the codec only: the listed origins (the Web UI) may call it from a browser, with the
 * headers the UI sends and its session cookie ("Include cross-origin credentials"). With credentials
 * the answer names the exact origin, never `*`. Preflights carry no credentials, so they are
 * answered before the key check.
 */
function codecCors(origins: readonly string[]): RequestHandler[] {
  const allowed = new Set(origins);
  const forWebUi: cors.CorsOptions = {
    origin: true, // reflected: only ever an origin on the list, see below
    credentials: true,
    methods: ['POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Namespace'],
    maxAge: 600,
  };
  // Another origin gets no CORS headers at all (not even the credentials one).
  const policy = cors((req, callback) => {
    const origin = req.headers.origin;
    callback(null, origin !== undefined && allowed.has(origin) ? forWebUi : { origin: false });
  });
  // cors answers an allowed preflight itself; one that gets here came from another origin.
  const refuseOtherPreflights: RequestHandler = (req, res, next) => {
    res.vary('Origin');
    if (req.method === 'OPTIONS') {
      res.status(403).end();
      return;
    }
    next();
  };
  return [policy, refuseOtherPreflights];
}

/**
 * Temporal's codec server protocol (`POST …/encode`, `POST …/decode`), for the Web UI and the
 * `temporal` CLI, and the Web UI's sign-in (`/login`, `/logout`). Mounted at `/codec`, so the
 * CLI's `--codec-endpoint` is `<API>/codec`.
 */
export function codecRoutes(options: CodecRouteOptions): express.Router {
  const sessions = options.sessions ?? new CodecSessions();
  const router = express.Router();
  router.use(
    codecLoginRoutes({
      sessions,
      requireOperator: options.requireOperator,
      corsOrigins: options.corsOrigins,
    }),
  );
  router.use(...codecCors(options.corsOrigins));
  router.use(requireOperatorOrSession(sessions, options.requireOperator));
  router.use((req, _res, next) => {
    // The Web UI names the namespace it shows; this codec holds the keys of one namespace only.
    const namespace = req.get('X-Namespace');
    if (namespace !== undefined && namespace !== options.namespace) {
      next(new HttpError(400, 'wrong_namespace', `this codec serves namespace "${options.namespace}" only`));
      return;
    }
    next();
  });
  // Larger than the API's own limit: a decode request carries base64 of an encrypted signal.
  router.use(requireJsonBody, express.json({ limit: '4mb', strict: true }));

  const convert = (direction: 'encode' | 'decode'): RequestHandler => {
    return async (req, res) => {
      const body = parse(payloadsBody, req.body);
      let converted: Payload[];
      try {
        converted = await options.codec[direction](body.payloads.map(fromJson));
      } catch (error) {
        if (error instanceof PayloadDecryptionError) {
          throw new HttpError(400, 'decode_failed', error.message);
        }
        throw error;
      }
      res.set('Cache-Control', 'no-store');
      res.json({ payloads: converted.map(toJson) });
    };
  };
  router.post('/encode', convert('encode'));
  router.post('/decode', convert('decode'));
  return router;
}
