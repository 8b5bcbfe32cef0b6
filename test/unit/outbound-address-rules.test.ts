import { MockActivityEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { attemptDelivery } from '../../activities/attempt-delivery';
import { classifyError } from '../../activities/classify-outcome';
import { AddressPolicy, ForbiddenAddressError, warnIfRelaxed } from '../../src/net/address-policy';
import { checkEndpointUrl } from '../../src/net/check-endpoint-url';
import type { ResolvedAddress, Resolver } from '../../src/net/resolve';
import { systemResolver } from '../../src/net/resolve';
import { checkedLookup, createSafeDispatcher } from '../../src/net/safe-dispatcher';
import type { Receiver } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';

// The outbound address rules on their own: the policy, the save-time check and the dispatcher that
// enforces them at connect time, against a loopback receiver. What the API makes of them is in
// test/e2e/outbound-safety.test.ts.
/** The rules as shipped, but with plain http let through, so only the address decides. */
const addressesOnly = new AddressPolicy({ allow: [], allowHttp: true });
const strict = new AddressPolicy({ allow: [], allowHttp: false });
const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });

describe('the address policy', () => {
  test.each([
    'http://127.0.0.1',
    'http://2130706433',
    'http://0x7f000001',
    'http://0x7f.1',
    'http://0177.0.0.1',
    'http://127.1',
    'http://127.0.0.1./',
    'http://[::1]',
    'http://[::ffff:127.0.0.1]',
    'http://[::ffff:7f00:1]',
    'http://[::127.0.0.1]',
    'http://[64:ff9b::7f00:1]',
    'http://[64:ff9b::a00:1]',
    'http://[2002:7f00:1::]',
    'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]',
    'http://0.0.0.0',
    'http://0',
    'http://[::]',
    'http://169.254.169.254/latest/meta-data',
    'http://[fd00:ec2::254]',
    'http://100.100.100.200',
    'http://168.63.129.16',
    'http://100.64.0.1',
    'http://10.0.0.1',
    'http://192.168.1.1',
    'http://172.16.0.1',
    'http://[fc00::1]',
    'http://[fe80::1]',
    'http://169.254.1.1',
    'http://224.0.0.1',
    'http://[ff02::1]',
    'http://255.255.255.255',
    'http://198.18.0.1',
    'http://192.0.2.1',
    'http://[2001:db8::1]',
    'http://240.0.0.1',
    'http://localhost',
    'http://LocalHost.',
    'http://api.localhost',
  ])('refuses %s', (url) => {
    expect(addressesOnly.checkUrl(url)).toMatch(/^is an? .*address/);
  });

  test('checks the host as URL parsing normalizes it, so every IPv4 spelling names the same address', () => {
    for (const url of ['http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.1/']) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      expect(addressesOnly.checkUrl(url)).toBe('is a loopback address (127.0.0.1)');
    }
  });

  test.each([
    'https://93.184.216.34',
    'https://[2606:2800:220:1:248:1893:25c8:1946]/hook',
    'https://[::ffff:93.184.216.34]/',
    'https://[64:ff9b::5db8:d822]/',
    'https://hooks.example.com:8443/pq-webhooks',
  ])('accepts the public %s', (url) => {
    expect(strict.checkUrl(url)).toBeUndefined();
  });

  test('refuses plain http unless the operator allows it', () => {
    expect(strict.checkUrl('http://93.184.216.34/')).toBe('must use https (plain http is not allowed)');
    expect(addressesOnly.checkUrl('http://93.184.216.34/')).toBeUndefined();
  });

  test('an allowlist of 127.0.0.1/32 lets 127.0.0.1 through and nothing else private', () => {
    const policy = new AddressPolicy({ allow: ['127.0.0.1/32'], allowHttp: true });
    expect(policy.checkUrl('http://127.0.0.1:8080/hook')).toBeUndefined();
    expect(policy.checkUrl('http://[::ffff:127.0.0.1]/')).toBeUndefined();
    expect(policy.checkUrl('http://127.0.0.2/')).toBe('is a loopback address (127.0.0.2)');
    expect(policy.checkUrl('http://10.0.0.1/')).toBe('is a private address (10.0.0.1)');
  });

  test('an IPv6 range in the allowlist lets its addresses through', () => {
    const policy = new AddressPolicy({ allow: ['::1/128'], allowHttp: true });
    expect(policy.checkUrl('http://[::1]:8080/hook')).toBeUndefined();
    expect(policy.checkUrl('http://127.0.0.1/')).toBe('is a loopback address (127.0.0.1)');
  });

  test('cloud metadata addresses stay refused even inside an allowed range', () => {
    const policy = new AddressPolicy({ allow: ['169.254.0.0/16', '100.64.0.0/10'], allowHttp: true });
    expect(policy.checkUrl('http://169.254.1.1/')).toBeUndefined();
    expect(policy.checkUrl('http://169.254.169.254/')).toBe('is a cloud metadata address (169.254.169.254)');
    expect(policy.checkUrl('http://100.100.100.200/')).toBe('is a cloud metadata address (100.100.100.200)');
  });

  test('an allowlisted hostname may resolve to a private address; other names may not', async () => {
    const policy = new AddressPolicy({ allow: ['hooks.internal'], allowHttp: false });
    const resolve: Resolver = async () => [v4('10.0.0.5')];
    expect(await checkEndpointUrl('https://hooks.internal/a', policy, resolve)).toBeUndefined();
    expect(await checkEndpointUrl('https://other.internal/a', policy, resolve)).toBe(
      'resolves to a private address',
    );
  });

  test('refuses an allowlist entry that is neither a hostname nor a valid range', () => {
    expect(() => new AddressPolicy({ allow: ['10.0.0.0/33'], allowHttp: false })).toThrow(
      /SIGNAL_PUSH_OUTBOUND_ALLOW/,
    );
  });

  test('says once, loudly, that the rules are relaxed, and nothing when they are not', () => {
    const lines: string[] = [];
    const relaxed = new AddressPolicy({ allow: ['10.9.8.0/24'], allowHttp: true });
    warnIfRelaxed(relaxed, (line) => lines.push(line));
    warnIfRelaxed(relaxed, (line) => lines.push(line));
    warnIfRelaxed(strict, (line) => lines.push(line));
    expect(lines).toEqual([
      'WARNING: outbound safety relaxed: private addresses allowed for 10.9.8.0/24; plain http allowed. ' +
        'Never use this in production.',
    ]);
  });
});

describe('every spelling of a forbidden IPv4 address', () => {
  const forbiddenRanges: Array<[string, number]> = [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ];
  const toInt = (dotted: string) => dotted.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const dotted = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 0xff).join('.');
  const address = fc
    .constantFrom(...forbiddenRanges)
    .chain(([base, bits]) => fc.nat(2 ** (32 - bits) - 1).map((offset) => toInt(base) + offset));
  const spellings = (n: number): string[] => [
    dotted(n),
    String(n),
    `0x${n.toString(16)}`,
    dotted(n)
      .split('.')
      .map((octet) => `0${Number(octet).toString(8)}`)
      .join('.'),
    dotted(n)
      .split('.')
      .map((octet) => `0x${Number(octet).toString(16)}`)
      .join('.'),
  ];

  test('is refused after URL normalization, as a dotted quad, a 32-bit decimal, hex or octal', () => {
    fc.assert(
      fc.property(address, (n) => {
        for (const spelling of spellings(n)) {
          const url = `http://${spelling}/hook`;
          expect(new URL(url).hostname).toBe(dotted(n));
          expect(addressesOnly.checkUrl(url)).toMatch(new RegExp(`^is an? .*address \\(${dotted(n)}\\)$`));
        }
      }),
      { numRuns: 500 },
    );
  });

  test('while public addresses pass in every spelling', () => {
    // 1.0.0.0 – 9.255.255.255 holds no special-purpose range.
    const publicAddress = fc.integer({ min: toInt('1.0.0.0'), max: toInt('9.255.255.255') });
    fc.assert(
      fc.property(publicAddress, (n) => {
        for (const spelling of spellings(n))
          expect(addressesOnly.checkUrl(`https://${spelling}/`)).toBeUndefined();
      }),
    );
  });
});

describe('the save-time check', () => {
  test('refuses a name if any of its addresses is forbidden, without naming the address', async () => {
    const resolve: Resolver = async () => [v4('93.184.216.34'), v4('10.1.2.3')];
    const problem = await checkEndpointUrl('https://mixed.example/hook', strict, resolve);
    expect(problem).toBe('resolves to a private address');
  });

  test('accepts a name that does not resolve yet', async () => {
    const resolve: Resolver = async (hostname) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    expect(await checkEndpointUrl('https://not-yet.example/hook', strict, resolve)).toBeUndefined();
  });
});

describe('the safe dispatcher', () => {
  let receiver: Receiver;
  const dispatchers: Dispatcher[] = [];
  const port = () => new URL(receiver.url).port;
  /** A resolver that gives its answers in turn, and counts how often it was asked. */
  const scripted = (...answers: ResolvedAddress[][]) => {
    const resolve = Object.assign(
      async () => {
        const answer = answers[Math.min(resolve.calls, answers.length - 1)]!;
        resolve.calls++;
        return answer;
      },
      { calls: 0 },
    );
    return resolve;
  };
  const dispatcher = (policy: AddressPolicy, resolve: Resolver) => {
    const created = createSafeDispatcher({ policy, resolve });
    dispatchers.push(created);
    return created;
  };
  const post = (url: string, through: Dispatcher) =>
    request(url, { method: 'POST', body: '{}', dispatcher: through });

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await receiver.close();
  });

  test('refuses a name that was public when saved and points at loopback when sent (DNS rebinding)', async () => {
    const resolve = scripted([v4('93.184.216.34')], [v4('127.0.0.1')]);
    const url = `http://rebind.example:${port()}/hook`;
    expect(await checkEndpointUrl(url, addressesOnly, resolve)).toBeUndefined();

    const error = await post(url, dispatcher(addressesOnly, resolve)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect((error as ForbiddenAddressError).problem).toBe('resolves to a loopback address');
    expect(classifyError(error, false)).toBe('forbidden_address');
    expect(receiver.requests).toHaveLength(0);
  });

  test('refuses a name whose answers mix a public and a private address', async () => {
    const resolve = scripted([v4('93.184.216.34'), v4('127.0.0.1')]);
    const error = await post(`http://mixed.example:${port()}/hook`, dispatcher(addressesOnly, resolve)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect(receiver.requests).toHaveLength(0);
  });

  test('refuses an IP literal, which never reaches a lookup, before sending anything', async () => {
    const resolve = scripted([v4('93.184.216.34')]);
    const error = await post(receiver.url, dispatcher(addressesOnly, resolve)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect(resolve.calls).toBe(0);
    expect(receiver.requests).toHaveLength(0);
  });

  test('refuses at connect time what the system resolver says localhost is', async () => {
    const lookup = checkedLookup(addressesOnly, systemResolver);
    const error = await new Promise((resolve) => lookup('localhost', { all: true }, resolve));
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect((error as ForbiddenAddressError).problem).toBe('resolves to a loopback address');
  });

  test('connects to the address it checked, resolving once, and keeps the name for the Host header', async () => {
    // A second lookup would get 127.0.0.2, which is neither allowed nor where the receiver listens.
    const resolve = scripted([v4('127.0.0.1')], [v4('127.0.0.2')]);
    const policy = new AddressPolicy({ allow: ['127.0.0.1/32'], allowHttp: true });
    const res = await post(`http://checked.example:${port()}/hook`, dispatcher(policy, resolve));
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    expect(resolve.calls).toBe(1);
    expect(receiver.requests.at(-1)!.headers.host).toBe(`checked.example:${port()}`);
  });

  test('an attempt at an endpoint allowed when saved fails as forbidden_address once the policy forbids it', async () => {
    const before = receiver.requests.length;
    const allowing = new AddressPolicy({ allow: ['127.0.0.1/32'], allowHttp: true });
    expect(await checkEndpointUrl(receiver.url, allowing)).toBeUndefined();

    const record = await new MockActivityEnvironment().run(
      attemptDelivery,
      { dispatcher: dispatcher(addressesOnly, scripted([])), userAgent: 'signal-push/test' },
      {
        deliveryId: 'dlv_test',
        attempt: 1,
        endpoint: {
          id: 'ep_test',
          url: receiver.url,
          method: 'POST' as const,
          headers: {},
          signature: { scheme: 'hex' as const, header: 'X-PQ-Signature', body_field: null },
          secrets: [{ secret: 'test_secret_0123456789', expiresAt: null }],
          timeoutMs: 5_000,
        },
        payload: { hello: 'world' },
      },
    );
    expect(record).toMatchObject({ http_status: null, error_kind: 'forbidden_address', response_body: '' });
    expect(receiver.requests).toHaveLength(before);
  });
});
