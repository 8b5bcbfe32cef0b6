import { FORBIDDEN_ADDRESS } from '../../activities/classify-outcome';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { serviceLog } from '../log/service-log';

/**
 * Where deliveries may go. Endpoint URLs come from tenants, so without this a tenant could make the
 * worker POST into the operator's network (SSRF): its loopback, private ranges, cloud metadata.
 * Only public unicast addresses pass, unless the operator's allowlist exempts them.
 */

const DESCRIPTIONS = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  reserved: 'a reserved address',
  tunnel: 'a tunnel address',
  cloudMetadata: 'a cloud metadata address',
} as const;

/** Why an address is out of bounds. */
export type ForbiddenClass = keyof typeof DESCRIPTIONS;

/** "a loopback address", for messages. */
export const describeClass = (forbidden: ForbiddenClass): string => DESCRIPTIONS[forbidden];

/** A request the policy refused. The message names the class of address, never a resolved address. */
export class ForbiddenAddressError extends Error {
  readonly code = FORBIDDEN_ADDRESS;
  constructor(readonly problem: string) {
    super(`outbound request refused: ${problem}`);
    this.name = 'ForbiddenAddressError';
  }
}

/**
 * Instance metadata services hand out credentials; they stay forbidden even when an allowlist range
 * covers them. (169.254.169.254: AWS, GCP, Azure, OpenStack; 169.254.170.2: ECS task credentials;
 * fd00:ec2::254: AWS over IPv6; 100.100.100.200: Alibaba; 168.63.129.16: Azure WireServer, a public
 * address; 192.0.0.192: Oracle.)
 */
const CLOUD_METADATA = new Set(
  [
    '169.254.169.254',
    '169.254.170.2',
    'fd00:ec2::254',
    '100.100.100.200',
    '168.63.129.16',
    '192.0.0.192',
  ].map((ip) => ipaddr.parse(ip).toNormalizedString()),
);

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** An IPv4 address carried inside an IPv6 one that reaches it (mapped, NAT64, 6to4). */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  const p = address.parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  if (range === 'ipv4Mapped') return address.toIPv4Address();
  if (range === 'rfc6052' && address.match(NAT64_WELL_KNOWN)) return v4(p[6]!, p[7]!);
  if (range === '6to4') return v4(p[1]!, p[2]!);
  return undefined;
}

/** What kind of forbidden address `address` is, or `undefined` for a public unicast one. */
function classify(address: Address): ForbiddenClass | undefined {
  if (CLOUD_METADATA.has(address.toNormalizedString())) return 'cloudMetadata';
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    const inner = embeddedIPv4(v6);
    if (inner) return classify(inner);
    const range = v6.range();
    if (range === 'uniqueLocal') return 'private';
    if (range === 'teredo' || range === 'rfc6145' || range === 'rfc6052') return 'tunnel';
    if (range === 'loopback' || range === 'linkLocal' || range === 'multicast' || range === 'unspecified') {
      return range;
    }
    // Everything else outside 2000::/3 (IPv4-compatible ::a.b.c.d, discard, site-local) is not a
    // place a webhook lives.
    if (range !== 'unicast' || !v6.match(GLOBAL_UNICAST_V6)) return 'reserved';
    return undefined;
  }
  const range = (address as ipaddr.IPv4).range();
  switch (range) {
    case 'unicast':
      return undefined;
    case 'loopback':
    case 'private':
    case 'linkLocal':
    case 'carrierGradeNat':
    case 'multicast':
    case 'unspecified':
    case 'broadcast':
      return range;
    default:
      // reserved (documentation, benchmarking 198.18/15, 240/4), as112, amt
      return 'reserved';
  }
}

/** Names that always mean this machine (RFC 6761), refused without asking DNS. */
const isLoopbackName = (name: string): boolean => name === 'localhost' || name.endsWith('.localhost');

/**
 * Names under which instance metadata services answer from inside a cloud. They resolve only
 * there, so a save-time lookup elsewhere finds nothing to refuse, and a worker moved into that
 * cloud would then reach the service. Refused by name, before DNS, allowlist or not. (GCP:
 * `metadata.google.internal`, its alias `metadata.goog`, and `metadata` through the VM's search
 * domain; AWS EC2: `instance-data` and `instance-data.ec2.internal`; Tencent Cloud:
 * `metadata.tencentyun.com`. Azure, Alibaba, Oracle and the rest use only the addresses above.)
 */
export const CLOUD_METADATA_NAMES = [
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
] as const;

const METADATA_NAMES = new Set<string>(CLOUD_METADATA_NAMES);

/** Whether `hostname` (any case, with or without the root's trailing dot) names a metadata service. */
export const isCloudMetadataName = (hostname: string): boolean => METADATA_NAMES.has(normalizeName(hostname));

export interface OutboundSettings {
  /** Hostnames and CIDR ranges (or single addresses) exempt from the private-address ban. */
  allow: readonly string[];
  /** Permit plain `http://` endpoint URLs. */
  allowHttp: boolean;
}

/** The outbound rules, with the operator's allowlist parsed once. */
export class AddressPolicy {
  readonly allowHttp: boolean;
  private readonly ranges: Array<[Address, number]> = [];
  private readonly hostnames = new Set<string>();

  constructor(settings: OutboundSettings) {
    this.allowHttp = settings.allowHttp;
    for (const entry of settings.allow) {
      const item = entry.trim().toLowerCase();
      if (item === '') continue;
      if (item.includes('/')) {
        if (!ipaddr.isValidCIDR(item)) {
          throw new Error(`SIGNAL_PUSH_OUTBOUND_ALLOW: "${entry}" is not a CIDR range`);
        }
        this.ranges.push(normalizeRange(ipaddr.parseCIDR(item)));
      } else if (net.isIP(item.replace(/^\[|\]$/g, '')) !== 0) {
        const address = normalize(ipaddr.parse(item.replace(/^\[|\]$/g, '')));
        this.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else {
        this.hostnames.add(item.replace(/\.$/, ''));
      }
    }
  }

  /** The operator relaxed the rules; `undefined` when they stand as shipped. */
  get relaxation(): string | undefined {
    const parts: string[] = [];
    const exempt = [
      ...this.ranges.map(([address, bits]) => `${address.toString()}/${bits}`),
      ...this.hostnames,
    ];
    if (exempt.length > 0) parts.push(`private addresses allowed for ${exempt.join(', ')}`);
    if (this.allowHttp) parts.push('plain http allowed');
    return parts.length > 0 ? parts.join('; ') : undefined;
  }

  /**
   * Why `ip` may not be reached, or `undefined` when it may. `hostname` is the name it was
   * resolved from, so an allowlisted name exempts its addresses. Metadata is never exempt.
   */
  checkAddress(ip: string, hostname?: string): ForbiddenClass | undefined {
    const bare = ip.replace(/^\[|\]$/g, '');
    if (net.isIP(bare) === 0) return 'reserved'; // not an address at all: nothing to connect to
    const address = ipaddr.parse(bare);
    const forbidden = classify(address);
    if (forbidden === undefined || forbidden === 'cloudMetadata') return forbidden;
    if (hostname !== undefined && this.hostnames.has(normalizeName(hostname))) return undefined;
    const normalized = normalize(address);
    const exempt = this.ranges.some(
      ([range, bits]) => range.kind() === normalized.kind() && normalized.match(range, bits),
    );
    return exempt ? undefined : forbidden;
  }

  /**
   * Why this URL may not be requested, judged without resolving its name: the scheme, an IP
   * literal host (WHATWG parsing has already turned `0x7f.1` or `2130706433` into `127.0.0.1`), a
   * cloud metadata name, or a loopback name. `undefined` when it may.
   */
  checkUrl(url: string | URL): string | undefined {
    let parsed: URL;
    try {
      parsed = typeof url === 'string' ? new URL(url) : url;
    } catch {
      return 'is not a valid URL';
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an https URL';
    if (parsed.protocol === 'http:' && !this.allowHttp) return 'must use https (plain http is not allowed)';
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) !== 0) {
      const forbidden = this.checkAddress(host);
      return forbidden && `is ${describeClass(forbidden)} (${host})`;
    }
    const name = normalizeName(host);
    if (isCloudMetadataName(name)) return `is a cloud metadata host name (${name})`;
    if (isLoopbackName(name) && !this.hostnames.has(name)) return `is ${describeClass('loopback')}`;
    return undefined;
  }
}

const normalizeName = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** `::ffff:a.b.c.d` is a.b.c.d for allowlist matching. */
function normalize(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

function normalizeRange([address, bits]: [Address, number]): [Address, number] {
  const v6 = address.kind() === 'ipv6' ? (address as ipaddr.IPv6) : undefined;
  return v6?.isIPv4MappedAddress() && bits >= 96 ? [v6.toIPv4Address(), bits - 96] : [address, bits];
}

const warned = new Set<string>();

/**
 * One loud line when the operator relaxed the rules, once per process (a process running both the
 * API and the worker says it once).
 */
export function warnIfRelaxed(
  policy: AddressPolicy,
  log: (line: string) => void = (line) => serviceLog().warn(line),
): void {
  const relaxation = policy.relaxation;
  if (!relaxation || warned.has(relaxation)) return;
  warned.add(relaxation);
  log(`WARNING: outbound safety relaxed: ${relaxation}. Never use this in production.`);
}
