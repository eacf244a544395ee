import type { OperationDoc } from './operation-doc';

/** The auth routes' entries in the API document. */
export const AUTH_OPERATIONS: Record<string, OperationDoc> = {
  'POST /api/auth/login': {
    status: 200,
    example: {
      user: {
        id: '8a6eaf26-56d4-4349-86aa-cfb6eadfabb6',
        email: 'juan@example.com',
        name: 'Admin',
        role: 'ADMIN',
        createdAt: '2026-11-30T15:31:35.361Z',
      },
      accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLWlkIn0.signature',
      refreshToken: '6TXBGjba8NzNzPHcju5QAaMeHYfq0z3ErnlyfxeKaVo',
    },
    errors: {
      '401': ['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED'],
    },
  },
  'POST /api/auth/logout': {
    status: 204,
    example: null,
    errors: {
      '401': ['UNAUTHORIZED'],
    },
  },
  'GET /api/auth/me': {
    status: 200,
    example: {
      id: '00519c36-df92-4d8c-a290-90a62d3290b3',
      email: 'juan@example.com',
      name: 'Test User',
      role: 'AGENCY',
      createdAt: '2026-11-30T15:35:48.558Z',
    },
    errors: {
      '401': ['UNAUTHORIZED'],
    },
  },
  'POST /api/auth/refresh': {
    status: 200,
    example: {
      user: {
        id: '85374292-e117-4f76-9f52-2a25d7ac984e',
        email: 'juan@example.com',
        name: 'Test User',
        role: 'CLIENT',
        createdAt: '2026-11-30T15:35:50.927Z',
      },
      accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLWlkIn0.signature',
      refreshToken: '6TXBGjba8NzNzPHcju5QAaMeHYfq0z3ErnlyfxeKaVo',
    },
    errors: {
      '401': ['REFRESH_TOKEN_REUSED', 'INVALID_REFRESH_TOKEN'],
    },
  },
  'POST /api/auth/register': {
    status: 201,
    example: {
      user: {
        id: '40524e36-0eda-4466-9de6-7c1cbc445f43',
        email: 'juan@example.com',
        name: 'Test User',
        role: 'CLIENT',
        createdAt: '2026-11-30T15:31:39.854Z',
      },
      accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLWlkIn0.signature',
      refreshToken: '6TXBGjba8NzNzPHcju5QAaMeHYfq0z3ErnlyfxeKaVo',
    },
    errors: {
      '400': ['VALIDATION_FAILED'],
      '409': ['EMAIL_TAKEN'],
    },
  },
};
