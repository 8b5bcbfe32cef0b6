import { expect, test } from 'vitest';
import { loadConfig } from '../../src/config';

test.each([
  [undefined, false],
  ['', false],
  ['false', false],
  ['1', 1],
  ['2', 2],
  ['loopback', ['loopback']],
  ['10.0.0.0/8, 192.168.1.7,uniquelocal', ['10.0.0.0/8', '192.168.1.7', 'uniquelocal']],
  ['fd00::/8', ['fd00::/8']],
] as const)('SIGNAL_PUSH_TRUST_PROXY=%s believes %o', (value, trusted) => {
  const env = value === undefined ? {} : { SIGNAL_PUSH_TRUST_PROXY: value };
  expect(loadConfig(env).trustProxy).toEqual(trusted);
});

test.each([
  ['true', /SIGNAL_PUSH_TRUST_PROXY: must name the proxies/],
  ['loopback,true', /SIGNAL_PUSH_TRUST_PROXY: must name the proxies/],
  ['proxy.internal', /SIGNAL_PUSH_TRUST_PROXY: invalid IP address: proxy.internal/],
  ['10.0.0.0/33', /SIGNAL_PUSH_TRUST_PROXY: invalid range on address: 10.0.0.0\/33/],
])('SIGNAL_PUSH_TRUST_PROXY=%s stops start-up, naming the variable and the value', (value, message) => {
  expect(() => loadConfig({ SIGNAL_PUSH_TRUST_PROXY: value })).toThrow(message);
});
