/**
 * What one operation answers, for the API document: the success status with a real example (captured
 * from the e2e suite, ids and tokens kept realistic) and the error statuses beyond the common ones,
 * each with its codes (every code must be in an error catalogue with that status; a test checks).
 */
export interface OperationDoc {
  status: number;
  /** null: no body (204). */
  example: unknown;
  errors: Record<number, string[]>;
}
