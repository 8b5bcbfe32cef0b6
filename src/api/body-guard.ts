import type { FieldProblem } from '../schemas/field-problem';
import { HttpError } from './errors';

/** Our deepest legitimate body nests 3 levels; the signal's open objects leave room for more. */
export const MAX_BODY_DEPTH = 32;

/**
 * Keys and array elements in one body, all levels together. Our largest legitimate body (an
 * endpoint with 100 profile names, 100 projects, 50 event types and its headers) holds a few hundred;
 * the rest is room for open objects (a prospect's extra fields, a callback's free-form result).
 * A body of 512 KB could otherwise carry some 250,000 of them, each one work for the schema and
 * the workflow's serializer.
 */
export const MAX_BODY_VALUES = 10_000;

// A lone surrogate cannot be encoded in UTF-8, so a receiver would get U+FFFD or choke; NUL
// truncates strings in C-based consumers. Neither belongs in any field we take.
const ILL_FORMED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/;

const problem = (path: string[], text: string): FieldProblem => ({
  field: path.join('.') || '(body)',
  problem: text,
});

/**
 * Walks a parsed body before any schema sees it, without recursion (a deep body must not overflow
 * the stack here or later, when it is serialized into a workflow's input), and throws a 400 for:
 * nesting deeper than `MAX_BODY_DEPTH`; more than `MAX_BODY_VALUES` keys and elements; strings or
 * keys that are not well-formed Unicode or hold NUL; and the keys `__proto__` and
 * `constructor.prototype`, which some object-merging code turns into prototype pollution (named by
 * path, which `secure-json-parse` cannot do: see the README's "Dependencies, and why").
 */
export function guardBody(body: unknown): void {
  if (body === null || typeof body !== 'object') return;
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: body, path: [] }];
  const fields: FieldProblem[] = [];
  let values = 0;
  while (stack.length > 0 && fields.length < 20) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (ILL_FORMED.test(value)) fields.push(problem(path, 'is not well-formed Unicode or contains NUL'));
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_BODY_DEPTH) {
      throw new HttpError(400, 'body_too_deep', `request body nests deeper than ${MAX_BODY_DEPTH} levels`, [
        problem([], `nests deeper than ${MAX_BODY_DEPTH} levels`),
      ]);
    }
    const entries = Object.entries(value);
    values += entries.length;
    if (values > MAX_BODY_VALUES) {
      const limit = `more than ${MAX_BODY_VALUES} keys and array elements`;
      throw new HttpError(400, 'body_too_complex', `request body holds ${limit}`, [
        problem([], `holds ${limit}`),
      ]);
    }
    for (const [key, child] of entries) {
      const childPath = [...path, key];
      if (key === '__proto__' || (key === 'constructor' && isObjectWith(child, 'prototype'))) {
        fields.push(problem(childPath, 'is a reserved key'));
      } else if (ILL_FORMED.test(key)) {
        fields.push(problem(path, 'has a key that is not well-formed Unicode or contains NUL'));
      } else {
        stack.push({ value: child, path: childPath });
      }
    }
  }
  if (fields.length > 0) {
    const summary = fields.map((f) => `${f.field}: ${f.problem}`).join('; ');
    throw new HttpError(400, 'validation_failed', `invalid request: ${summary}`, fields);
  }
}

const isObjectWith = (value: unknown, key: string): boolean =>
  value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key);
