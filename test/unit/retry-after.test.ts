import { expect, test } from 'vitest';
import { MAX_RETRY_AFTER_MS, retryAfterMs } from '../../activities/retry-after';

const now = new Date('2026-05-18T14:30:00.000Z');

test('delta-seconds become milliseconds', () => {
  expect(retryAfterMs('120', now)).toBe(120_000);
  expect(retryAfterMs('0', now)).toBe(0);
  expect(retryAfterMs(' 5 ', now)).toBe(5000);
});

test('an IMF-fixdate becomes the wait until then', () => {
  expect(retryAfterMs('Mon, 18 May 2026 14:32:30 GMT', now)).toBe(150_000);
});

test('the obsolete RFC 850 and asctime forms are understood too', () => {
  expect(retryAfterMs('Monday, 18-May-26 14:31:00 GMT', now)).toBe(60_000);
  expect(retryAfterMs('Mon May 18 14:30:10 2026', now)).toBe(10_000);
  expect(retryAfterMs('Mon May  9 14:30:10 2026', now)).toBe(0);
});

test('a date in the past, or a negative delay, means retry now', () => {
  expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(0);
  expect(retryAfterMs('-30', now)).toBe(0);
});

test('a wait longer than an hour is capped at an hour', () => {
  expect(retryAfterMs('86400', now)).toBe(MAX_RETRY_AFTER_MS);
  expect(retryAfterMs('9'.repeat(400), now)).toBe(MAX_RETRY_AFTER_MS);
  expect(retryAfterMs('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
});

test('absent or empty is null', () => {
  expect(retryAfterMs(undefined, now)).toBeNull();
  expect(retryAfterMs('', now)).toBeNull();
  expect(retryAfterMs('   ', now)).toBeNull();
  expect(retryAfterMs([], now)).toBeNull();
});

test.each([
  'soon',
  '1.5',
  '+10',
  '10s',
  '0x10',
  '1e3',
  '2026-05-18T14:32:30Z',
  'Mon, 31 Feb 2026 14:32:30 GMT',
  'Mon, 18 May 2026 25:00:00 GMT',
  'Mon, 18 Foo 2026 14:32:30 GMT',
  'Mon, 18 May 2026 14:32:30 CET',
])('garbage is null: %j', (value) => {
  expect(retryAfterMs(value, now)).toBeNull();
});

test('a repeated header is read from its first value', () => {
  expect(retryAfterMs(['30', '600'], now)).toBe(30_000);
});
