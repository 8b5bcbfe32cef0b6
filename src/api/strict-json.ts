import { visit } from 'jsonc-parser';
import { guardBody } from './body-guard';
import type { FieldProblem } from '../schemas/field-problem';
import { HttpError, invalidJson } from './errors';

// `fatal`: a byte sequence that is not UTF-8 is an error, not a silent U+FFFD in a tenant's name.
// A leading byte-order mark is dropped, as body-parser did.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where a duplicate key sits: the path of its object, then the key. */
export type JsonPath = Array<string | number>;

/**
 * Every key that appears twice in the same object, at any depth, in document order. `JSON.parse`
 * keeps the last value and says nothing, so two parts of a system that read the same body with
 * different parsers (first wins, last wins) could act on different tenants. Keys compare after
 * unescaping (`"a"` and `"\u0061"` are the same key). The scan is jsonc-parser's (the parser behind
 * VS Code's JSON support): a streaming visitor that builds no tree and hands each property its path.
 * It recurses, so callers bound the depth first.
 */
export function findDuplicateKeys(text: string): JsonPath[] {
  const open: Array<Set<string>> = [];
  const duplicates: JsonPath[] = [];
  visit(
    text,
    {
      onObjectBegin: () => {
        open.push(new Set());
      },
      onObjectEnd: () => {
        open.pop();
      },
      onObjectProperty: (key, _offset, _length, _line, _column, parentPath) => {
        const seen = open.at(-1);
        if (!seen) return;
        if (seen.has(key)) duplicates.push([...parentPath(), key]);
        else seen.add(key);
      },
    },
    { disallowComments: true },
  );
  return duplicates;
}

/** `prospect.name`, `contacts.0.email`: the way the API names fields everywhere else. */
const fieldName = (path: JsonPath): string => path.join('.') || '(body)';

/**
 * A request body as the API accepts it: UTF-8 bytes holding one JSON object or array, no deeper or
 * larger than `guardBody` allows, with no key twice in any object. Anything else is an `HttpError`
 * (400) that names what is wrong, in the API's error shape.
 */
export function parseStrictJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'invalid_utf8', 'request body is not valid UTF-8', [
      { field: '(body)', problem: 'is not valid UTF-8' },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidJson();
  }
  // Only an object or an array, as express.json's `strict` allowed: every route takes one.
  if (value === null || typeof value !== 'object') throw invalidJson();
  // Before the duplicate scan, which recurses: this walk does not, and refuses deep bodies.
  guardBody(value);
  const duplicates = findDuplicateKeys(text);
  if (duplicates.length > 0) {
    const fields: FieldProblem[] = duplicates.slice(0, 20).map((path) => ({
      field: fieldName(path),
      problem: 'is a duplicate key (it appears more than once in its object)',
    }));
    const names = fields.map((f) => f.field).join(', ');
    throw new HttpError(400, 'duplicate_key', `request body has duplicate keys: ${names}`, fields);
  }
  return value;
}
