import { randomBytes } from 'node:crypto';

/** Random ids: 64 bits are ample for names that are never secrets. */
export const newTenantId = (): string => `ten_${randomBytes(8).toString('hex')}`;
export const newEndpointId = (): string => `ep_${randomBytes(8).toString('hex')}`;
export const newSignalId = (): string => `sig_${randomBytes(8).toString('hex')}`;
/** Signing secrets: 256 bits from the CSPRNG. */
export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;
export const newEventId = (): string => `evt_${randomBytes(8).toString('hex')}`;
