import { z } from 'zod';

/**
 * `operation.result`: what an asynchronous API operation (e.g. `email-verifier`) returned, posted
 * to the one-off `webhook_url` of the request. The result is whatever that API answers, so it is
 * free-form JSON; the payload size limit bounds it.
 */
export const operationResultDataSchema = z.strictObject({
  operation: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1-100 characters of A-Z, a-z, 0-9, "_", "." or "-"'),
  result: z.record(z.string().max(200), z.json()),
});

export type OperationResultData = z.infer<typeof operationResultDataSchema>;
