import type { OperationDoc } from './operations/operation-doc';
import { PAYMENTS_OPERATIONS } from './operations/payments.operations';
import { PLATFORM_OPERATIONS } from './operations/platform.operations';
import { JOBS_OPERATIONS } from './operations/jobs.operations';
import { LEDGER_OPERATIONS } from './operations/ledger.operations';
import { ADMIN_OPERATIONS } from './operations/admin.operations';
import { WITHDRAWALS_OPERATIONS } from './operations/withdrawals.operations';
import { AUTH_OPERATIONS } from './operations/auth.operations';
import { VERIFICATION_OPERATIONS } from './operations/verification.operations';
import { WALLET_OPERATIONS } from './operations/wallet.operations';

export type { OperationDoc } from './operations/operation-doc';

/**
 * What each operation answers, one file per feature under `operations/`. `npm run openapi:generate`
 * folds these into openapi.json; the API docs test fails for an operation missing here. Keep examples
 * complete: the schema is derived from them.
 */
export const OPERATIONS: Record<string, OperationDoc> = {
  ...PAYMENTS_OPERATIONS,
  ...PLATFORM_OPERATIONS,
  ...JOBS_OPERATIONS,
  ...LEDGER_OPERATIONS,
  ...ADMIN_OPERATIONS,
  ...WITHDRAWALS_OPERATIONS,
  ...AUTH_OPERATIONS,
  ...VERIFICATION_OPERATIONS,
  ...WALLET_OPERATIONS,
};
