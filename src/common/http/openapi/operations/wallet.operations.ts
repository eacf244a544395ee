import type { OperationDoc } from './operation-doc';

/** The wallet routes' entries in the API document. */
export const WALLET_OPERATIONS: Record<string, OperationDoc> = {
  'GET /api/wallet': {
    status: 200,
    example: {
      currency: 'PHP',
      balance: 50000,
      reserved: 20000,
      available: 30000,
      pendingEarnings: 0,
      updatedAt: '2026-11-30T15:39:12.795Z',
    },
    errors: {
      '401': ['UNAUTHORIZED'],
    },
  },
  'POST /api/wallet/deposit': {
    status: 201,
    example: {
      transaction: {
        id: '3ace76ae-f46b-4af2-8e9c-8b566747fd98',
        type: 'DEPOSIT',
        status: 'PENDING',
        amount: 150000,
        currency: 'PHP',
        description: 'Wallet deposit',
        reference: null,
        provider: 'paymongo',
        providerReference: 'cs_2HyytC7z6KGXEccGGhpypEpL',
        paymentMethodId: null,
        jobId: null,
        createdAt: '2026-11-30T15:31:41.659Z',
        completedAt: null,
      },
      checkoutUrl: 'http://localhost:3000/sandbox/checkout/cs_2HyytC7z6KGXEccGGhpypEpL',
      checkoutId: 'cs_2HyytC7z6KGXEccGGhpypEpL',
      provider: 'paymongo',
    },
    errors: {
      '400': ['VALIDATION_FAILED', 'AMOUNT_ABOVE_MAXIMUM'],
      '401': ['UNAUTHORIZED'],
      '422': ['IDEMPOTENCY_KEY_REUSED', 'PAYMENT_METHOD_NOT_ACTIVATED'],
      '503': ['PROVIDER_UNAVAILABLE'],
      '409': ['TRANSACTION_NOT_PENDING'],
      '502': ['PROVIDER_MISCONFIGURED'],
    },
  },
  'GET /api/wallet/pending-earnings': {
    status: 200,
    example: {
      currency: 'PHP',
      total: 100001,
      items: [
        {
          transactionId: '440490a6-bc6c-43f3-b369-d3e5d2817ccf',
          jobId: 'b542dea7-fbc4-457c-83d0-9d4df326611c',
          amount: 100001,
          description: 'Earnings for job: Fix the sink',
          releaseAt: '2026-12-07T15:31:42.252Z',
          createdAt: '2026-11-30T15:31:42.194Z',
        },
      ],
    },
    errors: {},
  },
  'GET /api/wallet/transactions': {
    status: 200,
    example: {
      data: [
        {
          id: '6bbc91df-b8fa-407a-a790-49d256d20f4e',
          type: 'REFUND',
          status: 'COMPLETED',
          amount: 50000,
          currency: 'PHP',
          description: 'Downpayment refund (job cancelled) for job: Fix the sink',
          reference: '4f49c2e8-7f1b-47c5-ba5c-b796df2e8a13',
          provider: null,
          providerReference: null,
          paymentMethodId: null,
          jobId: '4f49c2e8-7f1b-47c5-ba5c-b796df2e8a13',
          createdAt: '2026-11-30T15:32:01.920Z',
          completedAt: '2026-11-30T15:32:01.920Z',
        },
      ],
      nextCursor: null,
    },
    errors: {
      '400': ['VALIDATION_FAILED', 'INVALID_CURSOR'],
    },
  },
  'GET /api/wallet/transactions/{id}': {
    status: 200,
    example: {
      id: '63753d4b-96bb-4e3f-a939-e0500b1e7cc6',
      type: 'PAYMENT',
      status: 'COMPLETED',
      amount: 60000,
      currency: 'PHP',
      description: 'Downpayment (50%) + platform fee for job: Fix the sink',
      reference: '43c361d4-640d-40c6-8358-2523f3ac657d',
      provider: 'paymongo',
      providerReference: 'cs_80QqIBJ7iZSvx0at3YtPPdP5',
      paymentMethodId: null,
      jobId: '43c361d4-640d-40c6-8358-2523f3ac657d',
      createdAt: '2026-11-30T15:34:36.654Z',
      completedAt: '2026-11-30T15:34:39.566Z',
    },
    errors: {
      '404': ['TRANSACTION_NOT_FOUND'],
    },
  },
};
