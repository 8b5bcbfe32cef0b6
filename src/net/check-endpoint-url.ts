import net from 'node:net';
import type { AddressPolicy } from './address-policy';
import { describeClass } from './address-policy';
import type { ResolvedAddress, Resolver } from './resolve';
import { systemResolver } from './resolve';

/** A save must not hang on a slow DNS server; an unanswered name is judged again at every attempt. */
const RESOLVE_TIMEOUT_MS = 5_000;

/**
 * Why an endpoint URL may not be saved, or `undefined` when it may: the policy's static rules,
 * then every address its name resolves to now. A name that does not resolve (yet) is accepted;
 * the attempt-time check still guards it. Problems name the class of address only, never a
 * resolved address, so the API does not become a probe of the operator's DNS.
 */
export async function checkEndpointUrl(
  url: string,
  policy: AddressPolicy,
  resolve: Resolver = systemResolver,
): Promise<string | undefined> {
  const problem = policy.checkUrl(url);
  if (problem) return problem;
  const hostname = new URL(url).hostname;
  if (net.isIP(hostname.replace(/^\[|\]$/g, '')) !== 0) return undefined;
  const answers = await resolveWithin(resolve, hostname, RESOLVE_TIMEOUT_MS);
  for (const answer of answers) {
    const forbidden = policy.checkAddress(answer.address, hostname);
    if (forbidden) return `resolves to ${describeClass(forbidden)}`;
  }
  return undefined;
}

async function resolveWithin(resolve: Resolver, hostname: string, ms: number): Promise<ResolvedAddress[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ResolvedAddress[]>((done) => (timer = setTimeout(() => done([]), ms)));
  try {
    return await Promise.race([resolve(hostname).catch(() => []), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
