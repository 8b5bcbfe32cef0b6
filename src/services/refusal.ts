import type { FieldProblem } from '../schemas/field-problem';

/**
 * A request the service turns down for a reason the caller can fix. The API answers it with
 * `status`, `code` and the fields; the customer portal shows each field's problem beside the field.
 * Services throw it so that both callers refuse the same input in the same words.
 */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
  ) {
    super(message);
  }
}

/** Several field problems as one refusal, the message naming each. */
export function refuseProblems(
  status: number,
  code: string,
  prefix: string,
  problems: FieldProblem[],
): never {
  const summary = problems.map((p) => `${p.field}: ${p.problem}`).join('; ');
  throw new Refusal(status, code, `${prefix}${summary}`, problems);
}
