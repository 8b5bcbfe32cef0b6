import { request } from 'undici';
import { afterEach, describe, expect, test } from 'vitest';
import {
  AddressPolicy,
  CLOUD_METADATA_NAMES,
  ForbiddenAddressError,
  isCloudMetadataName,
} from '../../src/net/address-policy';
import { checkEndpointUrl } from '../../src/net/check-endpoint-url';
import type { Resolver } from '../../src/net/resolve';
import { createSafeDispatcher } from '../../src/net/safe-dispatcher';
import type { Dispatcher } from 'undici';

// Unit tests of the metadata host-name rule: no service, no Temporal.

const strict = new AddressPolicy({ allow: [], allowHttp: false });

/** What a resolver outside the cloud says about these names: nothing. Counts how often it was asked. */
function notFound(): Resolver & { calls: number } {
  const resolve = Object.assign(
    async (hostname: string) => {
      resolve.calls++;
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    },
    { calls: 0 },
  );
  return resolve;
}

/** Every name as listed, in capitals, with the root's trailing dot, and both. */
const spellings = CLOUD_METADATA_NAMES.flatMap((name) => [
  name,
  name.toUpperCase(),
  `${name}.`,
  `${name.toUpperCase()}.`,
]);

describe('cloud metadata host names', () => {
  test('the list holds the GCP, AWS and Tencent names', () => {
    expect([...CLOUD_METADATA_NAMES].sort()).toEqual(
      [
        'instance-data',
        'instance-data.ec2.internal',
        'metadata',
        'metadata.goog',
        'metadata.google.internal',
        'metadata.tencentyun.com',
      ].sort(),
    );
  });

  test.each(spellings)('%s is a metadata name', (name) => {
    expect(isCloudMetadataName(name)).toBe(true);
  });

  test.each([
    'metadata.example.com',
    'hooks.metadata.google.internal.example.com',
    'my-metadata',
    'instance-data.example.com',
    'google.internal',
    'metadata..',
  ])('%s is not', (name) => {
    expect(isCloudMetadataName(name)).toBe(false);
  });

  test.each(spellings)(
    'an endpoint at https://%s/ is refused when saved, though the name does not resolve',
    async (name) => {
      const resolve = notFound();
      const problem = await checkEndpointUrl(`https://${name}/computeMetadata/v1/`, strict, resolve);
      expect(problem).toBe(`is a cloud metadata host name (${name.toLowerCase().replace(/\.$/, '')})`);
      expect(resolve.calls).toBe(0);
    },
  );

  test('a percent-encoded spelling is refused as the URL parser decodes it', () => {
    expect(strict.checkUrl('https://metadat%61.google.internal/')).toBe(
      'is a cloud metadata host name (metadata.google.internal)',
    );
  });

  test('an operator allowlist naming a metadata host does not exempt it', () => {
    const allowing = new AddressPolicy({ allow: ['metadata.google.internal', 'metadata'], allowHttp: true });
    expect(allowing.checkUrl('http://metadata.google.internal/')).toMatch(/cloud metadata host name/);
    expect(allowing.checkUrl('http://metadata/')).toMatch(/cloud metadata host name/);
  });

  test('an ordinary name that does not resolve is still accepted when saved', async () => {
    const resolve = notFound();
    expect(
      await checkEndpointUrl('https://hooks.not-yet-live.example/hook', strict, resolve),
    ).toBeUndefined();
    expect(resolve.calls).toBe(1);
  });
});

describe('at each attempt', () => {
  const dispatchers: Dispatcher[] = [];
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  });

  test.each([
    'http://metadata.google.internal/',
    'http://METADATA./computeMetadata/v1/',
    'http://instance-data/',
  ])('the worker refuses %s before asking DNS or sending anything', async (url) => {
    // A resolver that would hand out a public address: only the name can be what refuses.
    const resolve = Object.assign(
      async () => {
        resolve.calls++;
        return [{ address: '93.184.216.34', family: 4 }];
      },
      { calls: 0 },
    );
    const dispatcher = createSafeDispatcher({
      policy: new AddressPolicy({ allow: [], allowHttp: true }),
      resolve,
    });
    dispatchers.push(dispatcher);
    const error = await request(url, { method: 'POST', body: '{}', dispatcher }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect((error as ForbiddenAddressError).problem).toMatch(/^is a cloud metadata host name \(/);
    expect(resolve.calls).toBe(0);
  });
});
