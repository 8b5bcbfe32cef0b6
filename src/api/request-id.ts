import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runInRequest } from '../log/request-context';

/**
 * What a caller's own `X-Request-Id` may look like to be kept: a UUID, a ULID, a base64 or
 * `Root=1-…` style trace id. Anything else (a second header, spaces, control characters, an
 * endless value) is replaced, never echoed or logged.
 */
const WELL_FORMED = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/**
 * Gives every request an id: the caller's, when well-formed, else a new UUID. The answer carries it
 * in `X-Request-Id`; the service's log lines and the workflows the request starts, signals or
 * updates carry it as `request_id`, so a caller quoting it leads to every line about its request.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given !== undefined && WELL_FORMED.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  runInRequest(id, next);
};
