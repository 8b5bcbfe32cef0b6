import { z } from 'zod';

const fieldPath = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'must be a dotted field path such as prospect.name');
const extraKey = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1-100 characters of A-Z, a-z, 0-9, "_", "." or "-"');
const extraValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

/** PQ Intel's Payload Format panel: include or exclude fields, flatten nested objects, add custom keys. */
export const payloadFormatSchema = z.strictObject({
  /** Dotted field paths to keep (empty: all). Paths do not reach inside arrays. */
  include: z.array(fieldPath).max(100).default([]),
  /** Dotted field paths to drop. */
  exclude: z.array(fieldPath).max(100).default([]),
  /** Nested objects become top-level keys joined by '_' (prospect.name → prospect_name); arrays stay as they are. */
  flatten: z.boolean().default(false),
  /** Custom key/values added at the top level of the body. */
  extra: z
    .record(extraKey, extraValue)
    .refine((extra) => Object.keys(extra).length <= 50, 'must have at most 50 keys')
    .default({}),
});

export type PayloadFormat = z.infer<typeof payloadFormatSchema>;

/** Everything, as it comes. Frozen: it is shared by every endpoint that has no format of its own. */
export const DEFAULT_PAYLOAD_FORMAT: PayloadFormat = deepFreeze(payloadFormatSchema.parse({}));

export interface FormatProblem {
  /** Where the problem is, e.g. 'payload_format.include[2]' or 'payload_format.extra.signal_id'. */
  field: string;
  problem: string;
}

/**
 * Problems of a format against the dotted field paths the events it applies to can carry: unknown
 * include/exclude path, a path both included and excluded (or excluded with an ancestor), an extra
 * key that collides with a field (after flattening when flatten is on), two fields that flatten to
 * one key. Each problem names its field as 'payload_format.include[2]' / 'payload_format.extra.x'.
 *
 * `envelopeKeys`: the top-level keys of an envelope that nests the data (`envelopeKeys` in
 * envelope.ts); absent when the data is itself the body (the flat envelope), and then the extra keys
 * are checked against the data's fields.
 */
export function payloadFormatProblems(
  format: PayloadFormat,
  knownPaths: readonly string[],
  envelopeKeys?: readonly string[],
): FormatProblem[] {
  const problems: FormatProblem[] = [];
  const isKnown = (path: string): boolean =>
    knownPaths.some((known) => known === path || known.startsWith(`${path}.`));
  const covers = (ancestor: string, path: string): boolean =>
    path === ancestor || path.startsWith(`${ancestor}.`);

  format.include.forEach((path, i) => {
    if (!isKnown(path)) problems.push({ field: `payload_format.include[${i}]`, problem: unknown(path) });
  });
  format.exclude.forEach((path, j) => {
    const field = `payload_format.exclude[${j}]`;
    if (!isKnown(path)) problems.push({ field, problem: unknown(path) });
    const i = format.include.findIndex((included) => covers(path, included));
    const included = format.include[i];
    if (included === undefined) return;
    problems.push({
      field,
      problem:
        included === path
          ? `'${path}' is also included (payload_format.include[${i}])`
          : `'${path}' removes '${included}', which payload_format.include[${i}] keeps`,
    });
  });

  // What the body's top level holds: shape a stand-in event from the known paths and format it.
  const skeleton: Record<string, unknown> = {};
  for (const path of knownPaths) setPath(skeleton, path.split('.'));
  const topLevel = envelopeKeys ?? Object.keys(applyPayloadFormat(skeleton, format));
  for (const key of Object.keys(format.extra)) {
    if (topLevel.includes(key)) {
      problems.push({
        field: `payload_format.extra.${key}`,
        problem: `'${key}' is already a key of the ${envelopeKeys ? 'envelope' : 'payload'}`,
      });
    }
  }

  if (format.flatten) {
    const seen = new Map<string, string>();
    for (const path of leafPaths(applyPayloadFormat(skeleton, { ...format, flatten: false }))) {
      const key = path.replaceAll('.', '_');
      const other = seen.get(key);
      if (other === undefined) seen.set(key, path);
      else
        problems.push({
          field: 'payload_format.flatten',
          problem: `'${other}' and '${path}' both become '${key}'`,
        });
    }
  }
  return problems;
}

/**
 * Applies include (keep only those paths, and the ancestors needed to hold them), exclude, then
 * flatten; does not add extra. Never mutates its input, and shares no object with it.
 */
export function applyPayloadFormat(
  data: Record<string, unknown>,
  format: PayloadFormat,
): Record<string, unknown> {
  let result = structuredClone(data);
  if (format.include.length > 0) result = keep(result, trie(format.include));
  if (format.exclude.length > 0) result = drop(result, trie(format.exclude));
  return format.flatten ? flatten(result) : result;
}

interface Trie {
  /** The whole value at this path is meant, not only some of its fields. */
  whole: boolean;
  children: Map<string, Trie>;
}

function trie(paths: readonly string[]): Trie {
  const root: Trie = { whole: false, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const segment of path.split('.')) {
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = { whole: false, children: new Map() }));
      node = child;
    }
    node.whole = true;
  }
  return root;
}

function keep(data: Record<string, unknown>, node: Trie): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const child = node.children.get(key);
    if (!child) continue;
    if (child.whole) put(out, key, value);
    else if (isObject(value)) {
      const kept = keep(value, child);
      // An ancestor is kept only to hold something.
      if (Object.keys(kept).length > 0) put(out, key, kept);
    }
  }
  return out;
}

function drop(data: Record<string, unknown>, node: Trie): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const child = node.children.get(key);
    if (child?.whole) continue;
    put(out, key, child && isObject(value) ? drop(value, child) : value);
  }
  return out;
}

/** Nested objects become '_'-joined keys; an empty object stays as it is, as do arrays. */
function flatten(
  data: Record<string, unknown>,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [key, value] of Object.entries(data)) {
    const name = prefix + key;
    if (isObject(value) && Object.keys(value).length > 0) flatten(value, `${name}_`, out);
    // Two fields that meet on one key (`a_b` and `a.b`): the first one keeps it.
    else if (!Object.hasOwn(out, name)) put(out, name, value);
  }
  return out;
}

function leafPaths(data: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(data).flatMap(([key, value]) =>
    isObject(value) && Object.keys(value).length > 0 ? leafPaths(value, `${prefix}${key}.`) : [prefix + key],
  );
}

function setPath(target: Record<string, unknown>, segments: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (rest.length === 0) {
    if (!Object.hasOwn(target, head)) put(target, head, null);
    return;
  }
  const existing = Object.hasOwn(target, head) ? target[head] : undefined;
  const child = isObject(existing) ? existing : {};
  if (child !== existing) put(target, head, child);
  setPath(child, rest);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Defines an own key, so a field named `__proto__` in received JSON stays a field. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) Object.values(value).forEach(deepFreeze);
  return Object.freeze(value);
}

const unknown = (path: string): string => `'${path}' is not a field of these events`;
