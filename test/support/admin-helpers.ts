import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { UsersService } from 'src/modules/users/users.service';
import type { TestUser } from './auth-helpers';
import type { TestApp } from './test-app';

/** Creates an ADMIN the way the operator command does (never over HTTP), then signs in. */
export async function createAdmin(t: TestApp): Promise<TestUser> {
  const email = `admin-${randomBytes(4).toString('hex')}@example.com`;
  const password = 'admin password 123456';
  const user = await t.app
    .get(UsersService)
    .create({ email, password, name: 'Admin', role: 'ADMIN' });
  const res = await request(t.url).post('/api/auth/login').send({ email, password }).expect(200);
  const body = res.body as { accessToken: string; refreshToken: string };
  return {
    id: user.id,
    email,
    password,
    role: 'ADMIN',
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
  };
}
