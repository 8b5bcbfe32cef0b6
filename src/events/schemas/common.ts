import { z } from 'zod';

/** Ids travel into workflow ids and URLs, so they keep to the same safe alphabet as signal ids. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1-100 characters of A-Z, a-z, 0-9, "_" or "-"');

export const isoTimestamp = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });
export const isoDate = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });
export const text = (max: number) => z.string().max(max);
export const email = z.email().max(320);
export const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048);
export const phone = text(50);
/** A money amount in major units, as the sender reports it. */
export const amount = z.number().nonnegative().max(1e12);
export const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as "EUR"');
