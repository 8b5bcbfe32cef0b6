import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse } from 'cookie';

/** The cookie that lets a browser (the Temporal Web UI) call the codec without the operator key. */
export const CODEC_SESSION_COOKIE = 'signal_push_codec';
/** Twelve hours: a working day in the Web UI, without a key pasted again. */
export const CODEC_SESSION_SECONDS = 12 * 60 * 60;

const TOKEN = /^([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;

export interface CodecSessionOptions {
  /** Seconds a session lasts from sign-in. */
  lifetimeSeconds?: number;
  /** Milliseconds since the epoch; tests move it on to see a session run out. */
  now?: () => number;
}

/**
 * Stateless sessions for the codec endpoint: a token is `<expiry>.<HMAC-SHA256(expiry)>` under a
 * secret made when the process starts and kept only in its memory. Nothing is stored, nothing
 * names the operator, and a restart of the API ends every session (the operator signs in again).
 */
export class CodecSessions {
  private readonly secret = randomBytes(32);
  private readonly now: () => number;
  readonly lifetimeSeconds: number;

  constructor(options: CodecSessionOptions = {}) {
    this.now = options.now ?? Date.now;
    this.lifetimeSeconds = options.lifetimeSeconds ?? CODEC_SESSION_SECONDS;
  }

  /** A token valid for `lifetimeSeconds` from now. */
  issue(): string {
    const expiry = Math.floor(this.now() / 1000) + this.lifetimeSeconds;
    return `${expiry}.${this.mac(String(expiry))}`;
  }

  /** Whether `token` was issued by this process and has not run out. */
  verify(token: string | undefined): boolean {
    return this.expiryOf(token) !== undefined;
  }

  /**
   * When a valid token runs out (epoch seconds); `undefined` for a token this process did not issue
   * (the MAC is compared in constant time) or one that has run out.
   */
  expiryOf(token: string | undefined): number | undefined {
    const match = TOKEN.exec(token ?? '');
    if (!match) return undefined;
    const expiry = match[1]!;
    // Compared as text, so each token has exactly one spelling (base64 ignores a last char's low bits).
    const given = Buffer.from(match[2]!);
    const expected = Buffer.from(this.mac(expiry));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return Number(expiry) > this.now() / 1000 ? Number(expiry) : undefined;
  }

  private mac(expiry: string): string {
    return createHmac('sha256', this.secret).update(expiry).digest('base64url');
  }
}

/**
 * The session token a `Cookie` header carries, as sent: not percent-decoded, so a token has one
 * spelling on the wire as well.
 */
export function sessionToken(cookieHeader: string | undefined): string | undefined {
  return parse(cookieHeader ?? '', { decode: (value) => value })[CODEC_SESSION_COOKIE];
}
