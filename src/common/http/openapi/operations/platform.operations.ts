import type { OperationDoc } from './operation-doc';

/** The platform routes' entries in the API document. */
export const PLATFORM_OPERATIONS: Record<string, OperationDoc> = {
  'GET /api/admin/audit-log': {
    status: 200,
    example: {
      data: [
        {
          id: '1',
          at: '2026-11-30T15:36:16.217Z',
          actorId: '30674f81-4bbd-4579-b519-4682d68300c9',
          action: 'platform_settings.update',
          targetType: 'platform_settings',
          targetId: 'platform',
          before: {
            platformFeeBps: 1000,
            paymentBufferDays: 5,
            withdrawalMinAmount: 10000,
            withdrawalDailyMaxCount: 10,
            withdrawalDailyMaxAmount: 10000000,
          },
          after: {
            platformFeeBps: 750,
            paymentBufferDays: 5,
            withdrawalMinAmount: 10000,
            withdrawalDailyMaxCount: 3,
            withdrawalDailyMaxAmount: 10000000,
          },
          requestId: 'settings-change-1',
          metadata: null,
        },
      ],
      nextCursor: null,
    },
    errors: {
      '400': ['VALIDATION_FAILED'],
      '403': ['FORBIDDEN'],
    },
  },
  'GET /api/admin/scheduled-jobs': {
    status: 200,
    example: {
      data: [
        {
          name: 'idempotency-purge',
          schedule: '15 * * * *',
          description: 'Delete Idempotency-Key records older than the 24 h retention',
          enabled: false,
          lastRun: null,
        },
      ],
      nextCursor: null,
    },
    errors: {
      '401': ['UNAUTHORIZED'],
      '403': ['FORBIDDEN'],
    },
  },
  'POST /api/admin/scheduled-jobs/{name}/run': {
    status: 200,
    example: {
      id: '1',
      trigger: 'manual',
      startedAt: '2026-11-30T15:32:28.397Z',
      finishedAt: '2026-11-30T15:32:28.469Z',
      outcome: 'succeeded',
      counts: {
        errors: 0,
        checked: 0,
        expired: 0,
        settled: 0,
        stillPending: 0,
      },
      error: null,
    },
    errors: {
      '403': ['FORBIDDEN'],
      '404': ['SCHEDULED_JOB_NOT_FOUND'],
    },
  },
  'GET /api/admin/settings': {
    status: 200,
    example: {
      platformFeeBps: 750,
      platformFeePercent: 7.5,
      paymentBufferDays: 5,
      withdrawalMinAmount: 10000,
      withdrawalDailyMaxCount: 3,
      withdrawalDailyMaxAmount: 10000000,
      currency: 'PHP',
      isDefault: false,
      updatedAt: '2026-11-30T15:36:16.217Z',
      updatedBy: '30674f81-4bbd-4579-b519-4682d68300c9',
    },
    errors: {
      '401': ['UNAUTHORIZED'],
      '403': ['FORBIDDEN'],
    },
  },
  'PUT /api/admin/settings': {
    status: 200,
    example: {
      platformFeeBps: 1000,
      platformFeePercent: 10,
      paymentBufferDays: 0,
      withdrawalMinAmount: 10000,
      withdrawalDailyMaxCount: 10,
      withdrawalDailyMaxAmount: 10000000,
      currency: 'PHP',
      isDefault: false,
      updatedAt: '2026-11-30T15:32:07.582Z',
      updatedBy: '1d5e162e-438d-4097-b3bc-775744264222',
    },
    errors: {
      '400': ['VALIDATION_FAILED', 'INVALID_SETTINGS'],
      '401': ['UNAUTHORIZED'],
      '403': ['FORBIDDEN'],
    },
  },
};
