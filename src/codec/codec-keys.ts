import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';

/** The AES-256 keys payloads are sealed with: the active one encrypts, every one decrypts. */
export interface CodecKeySet {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export interface LoadedCodecKeys {
  keySet: CodecKeySet;
  /** Where the keys were read from or written to; `undefined` when they came from the environment. */
  file: string | undefined;
  created: boolean;
}

const VARIABLE = 'SIGNAL_PUSH_CODEC_KEYS';
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_BYTES = 32;
const HOW_TO_MAKE = 'e.g. k1:$(openssl rand -base64 32)';

/** A bad key list; its message names the source and the entry, never the key material. */
export class CodecKeyError extends Error {}

/**
 * Parses `kid:base64key,kid:base64key` (first = active). Strict, because a key that is silently
 * truncated or mistyped would encrypt histories nobody can read back.
 */
export function parseCodecKeys(raw: string, source: string = VARIABLE): CodecKeySet {
  const fail = (problem: string): never => {
    throw new CodecKeyError(
      `invalid configuration: ${source}: ${problem} (format kid:base64key,…; ${HOW_TO_MAKE})`,
    );
  };
  const entries = raw.split(',').map((entry) => entry.trim());
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const position = `entry ${index + 1}`;
    if (entry === '') fail(`${position} is empty`);
    const colon = entry.indexOf(':');
    // The part before the colon is echoed only once it is known to be a well-formed key id:
    // a pasted key without its id must not end up in a log.
    const kid = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(kid))
      fail(`${position} does not start with a key id of 1-64 of A-Z a-z 0-9 _ - and a colon`);
    const encoded = entry.slice(colon + 1);
    if (!BASE64.test(encoded)) fail(`${position} (key id "${kid}") is not base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES)
      fail(`${position} (key id "${kid}") is ${key.length} bytes, not ${KEY_BYTES}`);
    if (keys.has(kid)) fail(`key id "${kid}" appears twice`);
    keys.set(kid, key);
  });
  return { activeKeyId: [...keys.keys()][0]!, keys };
}

/**
 * The configured keys; else, for the embedded default only, one key made on first start and kept in
 * the data folder (readable by its owner only), as the operator key is. On a real cluster the API
 * and every worker must share the keys, so a key made up by one process would be a key the others
 * cannot read: there, missing keys stop start-up.
 */
export async function loadOrCreateCodecKeys(
  config: Pick<Config, 'codecKeys' | 'dataDir'> & { temporal: Pick<Config['temporal'], 'address'> },
): Promise<LoadedCodecKeys> {
  if (config.codecKeys !== undefined) {
    return { keySet: parseCodecKeys(config.codecKeys), file: undefined, created: false };
  }
  if (config.temporal.address !== undefined) {
    throw new CodecKeyError(
      `invalid configuration: ${VARIABLE}: is required when TEMPORAL_ADDRESS is set ` +
        `(the API and every worker must share the same keys; ${HOW_TO_MAKE})`,
    );
  }
  const file = path.join(config.dataDir, 'codec-keys');
  const existing = await readKeyFile(file);
  if (existing) return { keySet: existing, file, created: false };

  const line = `local-${randomBytes(4).toString('hex')}:${randomBytes(KEY_BYTES).toString('base64')}`;
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    // `wx`: when two processes start at once, the second reads the first one's key.
    await fs.writeFile(file, `${line}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const written = await readKeyFile(file);
    if (!written) throw error;
    return { keySet: written, file, created: false };
  }
  return { keySet: parseCodecKeys(line, file), file, created: true };
}

/** Reads the keys only (a client that must not invent keys, such as a CLI, uses this). */
export async function readKeyFile(file: string): Promise<CodecKeySet | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return parseCodecKeys(lines.join(','), file);
}
