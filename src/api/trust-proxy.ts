import proxyAddr from 'proxy-addr';
import { z } from 'zod';

/** What Express's `trust proxy` setting is given: no proxy, a number of hops, or whom to believe. */
export type TrustProxy = false | number | string[];

const HOPS = /^\d{1,2}$/;

/**
 * `SIGNAL_PUSH_TRUST_PROXY`: which proxies in front of the API are believed about the client's
 * address (`X-Forwarded-For`) and scheme (`X-Forwarded-Proto`): a number of hops, or addresses,
 * CIDR ranges and `loopback`, `linklocal`, `uniquelocal`, comma-separated (proxy-addr checks them
 * as Express will). Unset: none, the client is the peer. Behind a proxy that ends TLS, this is what
 * marks session cookies `Secure` and lets per-address rate limits tell clients apart. `true`
 * (believe anyone) is refused: every client could then choose its own address.
 */
export const trustProxySchema = z
  .string()
  .optional()
  .transform((value, ctx): TrustProxy => {
    const given = value?.trim() ?? '';
    if (given === '' || given === 'false') return false;
    if (HOPS.test(given)) return Number(given);
    const entries = given
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (entries.includes('true')) {
      ctx.addIssue({
        code: 'custom',
        message: 'must name the proxies (addresses, CIDR ranges, loopback…) or a hop count, not true',
      });
      return z.NEVER;
    }
    try {
      proxyAddr.compile(entries);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${(error as Error).message}` });
      return z.NEVER;
    }
    return entries;
  });
