import dns from 'node:dns';

export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Every address a name resolves to; injectable so tests can play a rebinding DNS server. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (hosts file, then DNS), all answers in the order it gives them. */
export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true });
