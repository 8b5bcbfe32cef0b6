import { parse as parseContentType } from 'content-type';
import type { Request, RequestHandler } from 'express';
import express from 'express';
import { HttpError } from './errors';
import { parseStrictJson } from './strict-json';

/** JSON between systems is UTF-8 (RFC 8259, section 8.1); no other declared charset is read. */
function declaresOtherCharset(req: Request): boolean {
  try {
    const charset = parseContentType(req.headers['content-type'] ?? '').parameters.charset;
    return charset !== undefined && charset.toLowerCase() !== 'utf-8';
  } catch {
    return true;
  }
}

/** The bytes express.raw read (and inflated, within the limit) become the parsed body. */
const parseBody: RequestHandler = (req, _res, next) => {
  const bytes: unknown = req.body;
  if (!Buffer.isBuffer(bytes)) {
    next();
    return;
  }
  if (declaresOtherCharset(req)) {
    next(new HttpError(415, 'unsupported_encoding', 'request body encoding is not supported'));
    return;
  }
  // An empty body reads as `{}`, as it did with express.json: the schema then names what is missing.
  req.body = bytes.length === 0 ? {} : parseStrictJson(bytes);
  next();
};

/**
 * The API's body parsing: `application/json` in UTF-8, at most `limit` after decompression
 * (`413 body_too_large` beyond), parsed by `parseStrictJson`. express.json would decode invalid
 * UTF-8 to U+FFFD and keep the last of two equal keys without a word, so the bytes are read raw.
 */
export const jsonBody = (limit: string): RequestHandler[] => [
  express.raw({ type: 'application/json', limit }),
  parseBody,
];
