import type { OperationDoc } from './operation-doc';

/** The payments routes' entries in the API document. */
export const PAYMENTS_OPERATIONS: Record<string, OperationDoc> = {
  'POST /api/accounts/wallet/paymongo-webhook': {
    status: 200,
    example: {
      received: true,
    },
    errors: {
      '400': ['INVALID_WEBHOOK_PAYLOAD'],
      '401': ['INVALID_WEBHOOK_SIGNATURE'],
      '429': ['RATE_LIMITED'],
      '503': ['WEBHOOK_NOT_RECORDED', 'WEBHOOK_NOT_APPLIED'],
    },
  },
  'POST /api/accounts/wallet/xendit-webhook': {
    status: 200,
    example: {
      received: true,
    },
    errors: {
      '400': ['INVALID_WEBHOOK_PAYLOAD'],
      '401': ['INVALID_WEBHOOK_SIGNATURE'],
      '503': ['WEBHOOK_NOT_RECORDED', 'WEBHOOK_NOT_APPLIED'],
    },
  },
  'GET /api/admin/circuit-breakers': {
    status: 200,
    example: {
      data: [
        {
          name: 'paymongo',
          state: 'closed',
          failure_count: 0,
          window: {
            calls: 17,
            failures: 0,
          },
          openedAt: null,
        },
      ],
      nextCursor: null,
    },
    errors: {},
  },
  'POST /api/admin/circuit-breakers/{name}/reset': {
    status: 200,
    example: {
      before: {
        state: 'open',
        failure_count: 5,
      },
      name: 'paymongo',
      state: 'closed',
      failure_count: 0,
      window: {
        calls: 0,
        failures: 0,
      },
      openedAt: null,
    },
    errors: {
      '403': ['FORBIDDEN'],
      '404': ['CIRCUIT_BREAKER_NOT_FOUND'],
    },
  },
  'GET /api/admin/webhook-rejections': {
    status: 200,
    example: {
      data: [
        {
          id: '0f3c2a9e-6b1d-4e55-9f7a-3c2d1b0a9e88',
          provider: 'paymongo',
          receivedAt: '2026-11-30T15:40:12.512Z',
          sourceIp: '203.0.113.7',
          reason: 'signature: timestamp outside tolerance',
          bodySha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          bodyBytes: 1834,
        },
      ],
      nextCursor: null,
    },
    errors: { '400': ['VALIDATION_FAILED'] },
  },
  'GET /api/admin/webhook-events': {
    status: 200,
    example: {
      data: [
        {
          id: 'b34d67fd-a59c-4a0f-81b6-aa27d3863890',
          provider: 'paymongo',
          eventId: 'evt_x1a4qupqpE0Xx37kFunGDbir',
          eventType: 'payment.paid',
          kind: 'paid',
          source: 'webhook',
          status: 'FLAGGED',
          reason: 'paid 9999 PHP but the transaction is 10000 PHP',
          transactionId: 'b082ec8a-e98c-4d85-9e9f-a62054c2d336',
          checkoutId: null,
          payoutId: null,
          amount: 9999,
          currency: 'PHP',
          livemode: false,
          replayCount: 0,
          receivedAt: '2026-11-30T15:32:20.925Z',
          processedAt: '2026-11-30T15:32:20.925Z',
        },
      ],
      nextCursor: null,
    },
    errors: {
      '400': ['VALIDATION_FAILED', 'INVALID_CURSOR'],
    },
  },
  'POST /api/admin/webhook-events/{id}/replay': {
    status: 200,
    example: {
      id: '1e56d6d6-2710-4431-90dc-cd4ccc3cc5a9',
      provider: 'paymongo',
      eventId: 'evt_dG5zJdhqWlkqanLK7MxO02Ia',
      eventType: 'checkout_session.payment.paid',
      kind: 'paid',
      source: 'webhook',
      status: 'NO_OP',
      reason: 'already completed',
      transactionId: 'e2a4915d-be41-4432-8cf4-60e1c36f9ed3',
      checkoutId: 'cs_WCNRWU1pEDVitnwzYLl5acrX',
      payoutId: null,
      amount: 3000,
      currency: 'PHP',
      livemode: false,
      replayCount: 1,
      receivedAt: '2026-11-30T15:33:02.361Z',
      processedAt: '2026-11-30T15:33:02.729Z',
    },
    errors: {
      '403': ['FORBIDDEN'],
      '404': ['WEBHOOK_EVENT_NOT_FOUND'],
    },
  },
};
