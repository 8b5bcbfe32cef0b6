import { describe, expect, test } from 'vitest';
import { MAX_BODY_DEPTH, MAX_BODY_VALUES } from '../../src/api/body-guard';
import type { HttpError } from '../../src/api/errors';
import { findDuplicateKeys, parseStrictJson } from '../../src/api/strict-json';

// Unit tests of the body parser: no service, no Temporal.

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

/** The error `parseStrictJson` throws, as the client would see it. */
function refusal(body: string | Uint8Array): Pick<HttpError, 'status' | 'code' | 'message' | 'fields'> {
  try {
    parseStrictJson(typeof body === 'string' ? bytes(body) : body);
  } catch (error) {
    const { status, code, message, fields } = error as HttpError;
    return { status, code, message, fields };
  }
  throw new Error(`accepted ${String(body).slice(0, 80)}`);
}

describe('duplicate keys', () => {
  test('a key twice at the top level is a 400 naming the key', () => {
    expect(refusal('{"tenant_id":"ten_a","tenant_id":"ten_b"}')).toEqual({
      status: 400,
      code: 'duplicate_key',
      message: 'request body has duplicate keys: tenant_id',
      fields: [{ field: 'tenant_id', problem: expect.stringContaining('duplicate key') }],
    });
  });

  test('a key twice in a nested object or inside an array is named by its full path', () => {
    const error = refusal(
      '{"prospect":{"name":"A","title":"B","name":"C"},"contacts":[{"e":1},{"e":1,"e":2}]}',
    );
    expect(error.code).toBe('duplicate_key');
    expect(error.fields!.map((f) => f.field)).toEqual(['prospect.name', 'contacts.1.e']);
  });

  test('keys compare after unescaping, so "\\u0061" repeats "a"', () => {
    expect(findDuplicateKeys('{"a":1,"\\u0061":2}')).toEqual([['a']]);
  });

  test('a repeated key with the same value is still a duplicate', () => {
    expect(refusal('{"name":"Acme","name":"Acme"}').code).toBe('duplicate_key');
  });

  test('the same key in sibling objects, or at different depths, is no duplicate', () => {
    expect(findDuplicateKeys('{"a":{"id":1},"b":{"id":2},"id":{"id":3},"l":[{"id":1},{"id":2}]}')).toEqual(
      [],
    );
    expect(parseStrictJson(bytes('{"a":{"id":1},"b":{"id":2}}'))).toEqual({ a: { id: 1 }, b: { id: 2 } });
  });

  test('"__proto__" twice is reported as a duplicate, not silently merged', () => {
    expect(findDuplicateKeys('{"__proto__":1,"__proto__":2}')).toEqual([['__proto__']]);
  });
});

describe('UTF-8', () => {
  test('a byte that is not UTF-8 in a string is a 400, not a U+FFFD', () => {
    const error = refusal(bytes('{"name":"Ac', [0xff], 'me"}'));
    expect(error).toMatchObject({ status: 400, code: 'invalid_utf8', fields: [{ field: '(body)' }] });
  });

  test.each([
    ['a truncated two-byte sequence', [0xc3]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('%s is refused', (_name, sequence) => {
    expect(refusal(bytes('{"label":"x', sequence, '"}')).code).toBe('invalid_utf8');
  });

  test('multi-byte characters and a leading byte-order mark are read as given', () => {
    expect(parseStrictJson(bytes([0xef, 0xbb, 0xbf], '{"name":"Ünïcødé 😀"}'))).toEqual({
      name: 'Ünïcødé 😀',
    });
  });
});

describe('bombs and malformed JSON', () => {
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  test(`nesting is read up to ${MAX_BODY_DEPTH} levels and refused beyond, even 200,000 deep`, () => {
    expect(parseStrictJson(bytes(nested(MAX_BODY_DEPTH)))).toBeTypeOf('object');
    expect(refusal(nested(MAX_BODY_DEPTH + 1)).code).toBe('body_too_deep');
    expect(refusal('['.repeat(200_000) + ']'.repeat(200_000)).code).toBe('body_too_deep');
  });

  test(`${MAX_BODY_VALUES} keys and elements in all are read; one more is a 400`, () => {
    const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":0`).join(',')}}`;
    const half = MAX_BODY_VALUES / 2;
    // Counted across levels: an object of `half` keys plus an array of `half` elements.
    const body = (elements: number) => `{"o":${keys(half - 2)},"l":[${Array(elements).fill(0).join(',')}]}`;
    expect(parseStrictJson(bytes(body(half)))).toBeTypeOf('object');
    expect(refusal(body(half + 1))).toMatchObject({ status: 400, code: 'body_too_complex' });
    expect(refusal(`[${Array(200_000).fill('[]').join(',')}]`).code).toBe('body_too_complex');
  });

  test.each(['{"url":', "{'a':1}", '{"a":1,}', '{"a":NaN}', '{"a":1} // comment', '42', '"x"', 'null', ''])(
    '%j is invalid_json',
    (text) => {
      expect(refusal(text)).toMatchObject({
        status: 400,
        code: 'invalid_json',
        fields: [{ field: '(body)' }],
      });
    },
  );

  test('reserved keys and ill-formed strings are still named by path', () => {
    expect(refusal('{"constructor":{"prototype":{"admin":true}}}').fields).toEqual([
      { field: 'constructor', problem: 'is a reserved key' },
    ]);
    expect(refusal('{"prospect":{"name":"\\ud800"}}').fields).toEqual([
      { field: 'prospect.name', problem: 'is not well-formed Unicode or contains NUL' },
    ]);
  });
});
