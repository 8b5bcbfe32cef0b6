import type { AttemptErrorKind } from '../workflows/delivery-contract';

/** The code of the error a connection the outbound address checks refused fails with (src/net). */
export const FORBIDDEN_ADDRESS = 'ERR_FORBIDDEN_ADDRESS';

/**
 * The one place that decides what an attempt's outcome was. Only a 2xx is a success; redirects are
 * never followed, so a 3xx is a failure of its own kind.
 */
export function classifyStatus(status: number): AttemptErrorKind | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) return 'redirect';
  return 'non_2xx';
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|UNABLE_TO_)/;

/** Maps a network-level error (from undici or the socket beneath it) to its kind. */
export function classifyError(error: unknown, timedOut: boolean): AttemptErrorKind {
  // The outbound policy refused the address: nothing was sent, whatever else went on.
  if (errorCodes(error).includes(FORBIDDEN_ADDRESS)) return 'forbidden_address';
  if (timedOut) return 'timeout';
  for (const code of errorCodes(error)) {
    if (code === 'ECONNREFUSED') return 'connection_refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'dns';
    if (TLS_CODES.test(code)) return 'tls';
    if (
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'ETIMEDOUT'
    ) {
      return 'timeout';
    }
  }
  return 'connection_error';
}

/** The `code` of an error and of every error in its `cause` chain (undici wraps socket errors). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    current = cause;
  }
  return codes;
}
