import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TENANT_ID } from '../../workflows/ids';

const TENANT_KEY = new RegExp(`^spk_(${TENANT_ID.source.slice(1, -1)})_[A-Za-z0-9_-]{43}$`);

/** A tenant key names its tenant, so a lookup needs no index; its 256 random bits are the secret. */
export function newTenantApiKey(tenantId: string): string {
  return `spk_${tenantId}_${randomBytes(32).toString('base64url')}`;
}

export function tenantIdOfKey(key: string): string | undefined {
  return TENANT_KEY.exec(key)?.[1];
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Compares hashes, so the comparison takes the same time whatever the inputs' lengths. */
export function keyMatchesHash(key: string, expectedHashHex: string): boolean {
  const actual = Buffer.from(hashApiKey(key), 'hex');
  const expected = Buffer.from(expectedHashHex, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
