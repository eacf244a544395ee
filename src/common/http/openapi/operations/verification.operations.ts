import type { OperationDoc } from './operation-doc';

/** The verification routes' entries in the API document. */
export const VERIFICATION_OPERATIONS: Record<string, OperationDoc> = {
  'GET /api/payment-methods': {
    status: 200,
    example: {
      data: [
        {
          id: 'e22ea899-31c0-4e55-859a-333d645e37ff',
          type: 'GCASH',
          accountName: 'Juan Dela Cruz',
          accountNumber: '09171234567',
          bankCode: null,
          isPrimary: true,
          isVerified: true,
          createdAt: '2026-11-30T15:38:20.095Z',
        },
      ],
      nextCursor: null,
    },
    errors: {},
  },
  'GET /api/payment-methods/banks': {
    status: 200,
    example: {
      data: [
        {
          code: 'BDO',
          name: 'BDO Unibank',
        },
      ],
      nextCursor: null,
    },
    errors: {},
  },
  'POST /api/payment-methods': {
    status: 201,
    example: {
      paymentMethod: {
        id: 'e22ea899-31c0-4e55-859a-333d645e37ff',
        type: 'GCASH',
        accountName: 'Juan Dela Cruz',
        accountNumber: '09171234567',
        bankCode: null,
        isPrimary: false,
        isVerified: false,
        createdAt: '2026-11-30T15:38:20.095Z',
      },
      verification: {
        required: true,
        amount: 100,
        checkoutUrl: 'http://localhost:3000/sandbox/checkout/cs_Mn8r02FUoLZquPJQRb0yGNLM',
        checkoutId: 'cs_Mn8r02FUoLZquPJQRb0yGNLM',
      },
    },
    errors: {
      '400': ['VALIDATION_FAILED', 'INVALID_ACCOUNT_NUMBER', 'UNKNOWN_BANK_CODE'],
      '409': ['PAYMENT_METHOD_EXISTS', 'VERIFICATION_CLOSED'],
      '422': [
        'PROVIDER_REJECTED',
        'AMOUNT_BELOW_MINIMUM',
        'AMOUNT_ABOVE_MAXIMUM',
        'PAYMENT_METHOD_NOT_ACTIVATED',
      ],
      '429': ['VERIFICATION_LIMIT_REACHED'],
      '503': ['PROVIDER_UNAVAILABLE'],
      '502': ['PROVIDER_MISCONFIGURED'],
    },
  },
  'DELETE /api/payment-methods/{id}': {
    status: 204,
    example: null,
    errors: {
      '404': ['PAYMENT_METHOD_NOT_FOUND'],
      '409': ['PAYMENT_METHOD_IN_USE'],
    },
  },
  'POST /api/payment-methods/{id}/primary': {
    status: 200,
    example: {
      id: '4bc1fe7c-3b4c-47dc-acfe-670866a1db47',
      type: 'MAYA',
      accountName: 'Ana',
      accountNumber: '09170000002',
      bankCode: null,
      isPrimary: true,
      isVerified: true,
      createdAt: '2026-11-30T15:38:41.307Z',
    },
    errors: {
      '404': ['PAYMENT_METHOD_NOT_FOUND'],
      '409': ['PAYMENT_METHOD_NOT_VERIFIED'],
    },
  },
};
