import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import { Agent, ProxyAgent } from 'undici';
import type { AddressPolicy } from './address-policy';
import { ForbiddenAddressError, describeClass } from './address-policy';
import type { ResolvedAddress, Resolver } from './resolve';
import { systemResolver } from './resolve';

export interface SafeDispatcherOptions {
  policy: AddressPolicy;
  /** Send everything through this proxy, which then resolves names and is trusted to filter. */
  proxyUrl?: string;
  /** Defaults to the system resolver. */
  resolve?: Resolver;
  connectTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** CA certificates (PEM) receivers' TLS is checked against; Node's default roots when omitted. */
  ca?: string[] | undefined;
}

/**
 * The worker's one connection pool, which reaches only what the policy allows. Every request's URL
 * is checked before it is sent (scheme, IP literals, which never reach a lookup); without a proxy
 * each new connection resolves its name once, here, is refused if any answer is forbidden, and
 * connects to the addresses it checked, so a DNS answer that changes in between (rebinding) cannot
 * slip through. TLS SNI and the Host header stay the URL's name.
 */
export function createSafeDispatcher(options: SafeDispatcherOptions): Dispatcher {
  const { policy } = options;
  const connect = { timeout: options.connectTimeoutMs ?? 10_000 };
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 10_000;
  const ca = options.ca ? { ca: options.ca } : {};
  const base = options.proxyUrl
    ? new ProxyAgent({ uri: options.proxyUrl, keepAliveTimeout, connect, requestTls: ca })
    : new Agent({
        keepAliveTimeout,
        connect: { ...connect, ...ca, lookup: checkedLookup(policy, options.resolve ?? systemResolver) },
      });
  return base.compose((dispatch) => (opts, handler) => {
    const problem = policy.checkUrl(new URL(opts.path, String(opts.origin)));
    // Thrown before anything is sent; undici hands it to the caller as the request's error.
    if (problem) throw new ForbiddenAddressError(problem);
    return dispatch(opts, handler);
  });
}

/** A `lookup` for net/tls.connect that answers only with addresses the policy allows. */
export function checkedLookup(policy: AddressPolicy, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    const answer = async (): Promise<ResolvedAddress[]> => {
      const answers = await resolve(hostname);
      // Any forbidden answer refuses the name: trying the others would let an attacker's DNS
      // mix a public address with an internal one and hope for the second.
      for (const { address } of answers) {
        const forbidden = policy.checkAddress(address, hostname);
        if (forbidden) throw new ForbiddenAddressError(`resolves to ${describeClass(forbidden)}`);
      }
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const usable = family ? answers.filter((a) => a.family === family) : answers;
      if (usable.length === 0) {
        throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND', hostname });
      }
      return usable;
    };
    answer().then(
      (usable) => {
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
