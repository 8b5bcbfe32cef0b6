import { z } from 'zod';

export const tenantCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  owner_email: z.email().max(320).optional(),
});
