import type { OperationDoc } from './operation-doc';

/** The ledger routes' entries in the API document. */
export const LEDGER_OPERATIONS: Record<string, OperationDoc> = {
  'POST /api/admin/ledger/adjustments': {
    status: 201,
    example: {
      entryId: 'adjustment:9a2c7d5a-699f-4af5-83b5-e552d4c7fd4c',
      sequence: 1,
      account: 'wallet:62cd0c4c-464b-4a72-9723-f37d47f336d2:available',
      direction: 'CREDIT',
      amount: 5000,
      currency: 'PHP',
      balance: 5000,
    },
    errors: {
      '400': ['VALIDATION_FAILED', 'IDEMPOTENCY_KEY_INVALID', 'INVALID_ACCOUNT'],
      '403': ['FORBIDDEN'],
      '404': ['LEDGER_ACCOUNT_NOT_FOUND'],
      '409': ['IDEMPOTENCY_REQUEST_IN_PROGRESS', 'INSUFFICIENT_FUNDS'],
      '422': ['IDEMPOTENCY_KEY_REUSED'],
    },
  },
  'GET /api/admin/ledger/audit': {
    status: 200,
    example: {
      ok: false,
      checkedAt: '2026-11-30T15:37:18.904Z',
      totals: {
        accounts: 11,
        entries: 13,
        postings: 26,
        holds: 0,
        pendingHolds: 0,
        perCurrency: [
          {
            currency: 'PHP',
            debits: 6377,
            credits: 6377,
          },
        ],
      },
      checks: [
        {
          name: 'debits_equal_credits_per_currency',
          pass: true,
          count: 0,
          detail: '1 currencies',
        },
      ],
    },
    errors: {
      '401': ['UNAUTHORIZED'],
      '403': ['FORBIDDEN'],
    },
  },
  'POST /api/admin/ledger/entries/{entryId}/reverse': {
    status: 201,
    example: {
      entryId: 'reversal:adjustment:afafafab-85cf-40b0-a87f-4c4457d65c71',
      reversalOf: 'adjustment:afafafab-85cf-40b0-a87f-4c4457d65c71',
      sequence: 15,
    },
    errors: {
      '404': ['LEDGER_ENTRY_NOT_FOUND'],
      '409': ['ENTRY_ALREADY_REVERSED'],
    },
  },
};
