/** What is wrong with one field of a request, as every 4xx answer and CLI error names it. */
export interface FieldProblem {
  field: string;
  problem: string;
  /** The limit a value broke, where a size limit was broken. */
  limit?: number;
}
