import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalJwtSecret, LOCAL_JWT_SECRET_FILE } from './local-jwt-secret';

describe('ensureLocalJwtSecret', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'jwt-secret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should create a random owner-only secret once in local mode and reuse it on the next start', () => {
    const first: NodeJS.ProcessEnv = { EMBEDDED_DB_DIR: dir };
    expect(ensureLocalJwtSecret(first)).toBe('created');
    const secret = first.JWT_SECRET ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const file = join(dir, LOCAL_JWT_SECRET_FILE);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second: NodeJS.ProcessEnv = { EMBEDDED_DB_DIR: dir };
    expect(ensureLocalJwtSecret(second)).toBe('loaded');
    expect(second.JWT_SECRET).toBe(secret);

    const other = mkdtempSync(join(tmpdir(), 'jwt-secret-'));
    const elsewhere: NodeJS.ProcessEnv = { EMBEDDED_DB_DIR: other };
    ensureLocalJwtSecret(elsewhere);
    expect(elsewhere.JWT_SECRET).not.toBe(secret);
    rmSync(other, { recursive: true, force: true });
  });

  it('should leave a given secret alone and never invent one outside local mode', () => {
    const given: NodeJS.ProcessEnv = { EMBEDDED_DB_DIR: dir, JWT_SECRET: 'mine' };
    expect(ensureLocalJwtSecret(given)).toBe('given');
    expect(given.JWT_SECRET).toBe('mine');
    const withDb: NodeJS.ProcessEnv = { EMBEDDED_DB_DIR: dir, DATABASE_URL: 'postgres://h/app' };
    expect(ensureLocalJwtSecret(withDb)).toBe('not-local');
    expect(withDb.JWT_SECRET).toBeUndefined();
    const prod: NodeJS.ProcessEnv = { EMBEDDED_DB_DIR: dir, NODE_ENV: 'production' };
    expect(ensureLocalJwtSecret(prod)).toBe('not-local');
    expect(prod.JWT_SECRET).toBeUndefined();
  });
});
