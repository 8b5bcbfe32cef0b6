import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { eventually } from '../../helpers/stack';

// The plumbing around a help page's receiver code: a server on 127.0.0.1, a record of what it
// answered, and replays of a delivered request. The page's code itself stays in each test file.

/** A request the page's code answered, as it arrived, with the status it was given. */
export interface Answered {
  at: number;
  method: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  status: number;
}

/** What a replay needs: an `Answered`, or a `ReceivedRequest` from the plain test receiver. */
export type Replayable = Pick<Answered, 'method' | 'headers' | 'rawBody'>;

export interface PageReceiver {
  url: string;
  /** Every request once answered, in the order of the answers. */
  received: Answered[];
  /** Resolves once `count` requests have been answered. */
  waitFor(count: number, timeoutMs?: number): Promise<Answered[]>;
  /**
   * Sends `original` here once more, with its method and headers (less `drop`) and `body` in
   * place of its own bytes, and resolves to the status the page's code answers.
   */
  replay(original: Replayable, options?: { body?: Buffer; drop?: string }): Promise<number>;
  close(): Promise<void>;
}

/**
 * For `express.json({ verify: keepRawBody })`: keeps a copy of the bytes the page's code parsed, so
 * the request can be recorded and replayed as it arrived. It changes nothing the page's code sees.
 */
export function keepRawBody(req: IncomingMessage, _res: unknown, buf: Buffer): void {
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.from(buf);
}

/** The body of a request as JSON. */
export const jsonBody = (request: { rawBody: Buffer }): any => JSON.parse(request.rawBody.toString('utf8'));

/**
 * Runs a help page's receiver on 127.0.0.1: `mount` adds the page's route to an Express app, behind
 * a recorder of every request and its answer. With `tls` it is an HTTPS server, and its replays
 * trust that certificate.
 */
export async function startPageReceiver(
  pathname: string,
  mount: (app: express.Express) => void,
  tls?: { cert: string; key: string },
): Promise<PageReceiver> {
  const app = express();
  const received: Answered[] = [];
  app.use((req, res, next) => {
    const at = Date.now();
    res.on('finish', () => {
      // express.raw() leaves the bytes in req.body; express.json() needs keepRawBody.
      const rawBody = Buffer.isBuffer(req.body) ? req.body : (req as { rawBody?: Buffer }).rawBody;
      received.push({
        at,
        method: req.method,
        headers: req.headers,
        rawBody: rawBody ?? Buffer.alloc(0),
        status: res.statusCode,
      });
    });
    next();
  });
  mount(app);

  const server = tls ? https.createServer(tls, app) : http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}${pathname}`;
  const trusting: Dispatcher | undefined = tls ? new Agent({ connect: { ca: tls.cert } }) : undefined;
  return {
    url,
    received,
    waitFor: (count, timeoutMs) => eventually(async () => received.length >= count && received, timeoutMs),
    replay: (original, options = {}) => replay(url, original, { ...options, dispatcher: trusting }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await trusting?.close();
    },
  };
}

const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding']);

async function replay(
  url: string,
  original: Replayable,
  options: { body?: Buffer; drop?: string; dispatcher?: Dispatcher },
): Promise<number> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(original.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && name !== options.drop) headers[name] = String(value);
  }
  const response = await request(url, {
    method: original.method as Dispatcher.HttpMethod,
    headers,
    body: options.body ?? original.rawBody,
    dispatcher: options.dispatcher,
  });
  await response.body.dump();
  return response.statusCode;
}

/**
 * `body` with `from` replaced by `to`: a delivered request with one value changed, which the page's
 * code must refuse. Fails when `from` is not in the body, so the change cannot silently be none.
 */
export function changed(body: Buffer, from: string, to: string): Buffer {
  const result = Buffer.from(body.toString('utf8').replace(from, to));
  if (result.equals(body)) throw new Error(`changing ${from} to ${to} leaves the body as it was`);
  return result;
}
