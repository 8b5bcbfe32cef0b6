import { z } from 'zod';
import { tenantIdSchema } from './ids';

/** A receipt waits at most this long: a request held open longer ties up a connection for little. */
export const MAX_RECEIPT_WAIT_MS = 30_000;

const DURATION = /^(\d{1,6})(ms|s)$/;
export const WAIT_PROBLEM = `must be a duration such as 10s or 500ms, at most ${MAX_RECEIPT_WAIT_MS / 1000}s`;

/** `10s` or `500ms` in milliseconds; undefined when it is not one or is over the bound. */
export function parseWait(value: string): number | undefined {
  const match = DURATION.exec(value);
  if (!match) return undefined;
  const ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  return ms <= MAX_RECEIPT_WAIT_MS ? ms : undefined;
}

const waitSchema = z
  .string()
  .transform((value, ctx) => {
    const ms = parseWait(value);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: WAIT_PROBLEM });
    return ms ?? 0;
  })
  .meta({ description: `Answer once every delivery is final or this long has passed (${WAIT_PROBLEM}).` });

/** `GET /v1/signals/:id`: the operator names the tenant; a tenant's own key needs not. */
export const signalReceiptQuerySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional().meta({ description: 'Required with the operator key.' }),
  wait: waitSchema.optional(),
});
