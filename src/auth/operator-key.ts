import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface OperatorKey {
  key: string;
  /** Where the key was read from or written to; `undefined` when it came from the environment. */
  file: string | undefined;
  created: boolean;
}

/**
 * The key the API runs with, for tools beside it (the CLI signs portal links with it): the
 * configured one, or the one the embedded default keeps; `undefined` when there is neither.
 */
export async function readOperatorKey(
  configured: string | undefined,
  dataDir: string,
): Promise<string | undefined> {
  if (configured) return configured;
  try {
    const key = (await fs.readFile(path.join(dataDir, 'operator-key'), 'utf8')).trim();
    return key.length >= 32 ? key : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The embedded default has no configuration to take a key from, so it makes one on first start and
 * keeps it in the data folder, readable by its owner only.
 */
export async function loadOrCreateOperatorKey(
  configured: string | undefined,
  dataDir: string,
): Promise<OperatorKey> {
  if (configured) return { key: configured, file: undefined, created: false };
  const file = path.join(dataDir, 'operator-key');
  try {
    const key = (await fs.readFile(file, 'utf8')).trim();
    if (key.length >= 32) return { key, file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = `spo_${randomBytes(32).toString('base64url')}`;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(file, `${key}\n`, { mode: 0o600 });
  return { key, file, created: true };
}
