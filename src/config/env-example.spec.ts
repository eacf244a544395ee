import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { EnvSchema } from './env-schema';

/** .env.example must document every variable, and must never be deployable as it stands. */
const ROOT = join(__dirname, '..', '..');
const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
const assigned = Object.fromEntries(
  example
    .split('\n')
    .map((l) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], m[2]]),
);
const mentioned = new Set([...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]{2,})=/gm)].map((m) => m[1]));

describe('.env.example', () => {
  it('should list every variable the config and the contract know, each with a comment above it', () => {
    const schemaKeys = Object.keys(EnvSchema.shape);
    expect(schemaKeys.length).toBeGreaterThan(35);
    const extra = ['EMBEDDED_DB_DIR', 'EMBEDDED_DB_PORT', 'REDIS_KEY_PREFIX'];
    const missing = [...schemaKeys, ...extra].filter((k) => !mentioned.has(k));
    expect(missing).toEqual([]);
    // Every variable line belongs to a group of variable lines that starts under a comment.
    const isVar = (l: string) => /^[A-Z][A-Z0-9_]{2,}=/.test(l);
    const lines = example.split('\n');
    const uncommented = lines
      .map((l, i) => {
        let j = i - 1;
        while (j >= 0 && isVar(lines[j])) j--;
        return { l, above: lines[j] ?? '' };
      })
      .filter(({ l, above }) => isVar(l) && !above.startsWith('#'))
      .map(({ l }) => l.split('=')[0]);
    expect(uncommented).toEqual([]);
  });

  it('should be refused in production until the REPLACE_ME secrets are filled in', () => {
    let error: unknown;
    try {
      loadConfig(assigned);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'DATABASE_URL: required in production',
      'JWT_SECRET: a default/test placeholder value is not allowed in production',
      'PAYMONGO_SECRET_KEY: a default/test placeholder value is not allowed in production',
      'PAYMONGO_WEBHOOK_SECRET: a default/test placeholder value is not allowed in production',
    ]);
  });

  it('should boot in production once real-looking values replace the placeholders', () => {
    const cfg = loadConfig({
      ...assigned,
      DATABASE_URL: 'postgres://iayos:pw@db:5432/iayos',
      JWT_SECRET: 'k7Q2xV9pL4mN8bR1tZ6wY3cH5dF0gJsA',
      PAYMONGO_SECRET_KEY: 'sk_live_0123456789',
      PAYMONGO_WEBHOOK_SECRET: 'whsk_0123456789abcdefXYZ',
    });
    expect(cfg.app.isProduction).toBe(true);
    expect(cfg.business.verificationAmount).toBe(2000);
  });

  it('should reject REPLACE_ME / changeme markers anywhere in a production secret', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://db/iayos',
        PUBLIC_BASE_URL: 'https://pay.example.com',
        JWT_SECRET: 'REPLACE_ME_with_at_least_32_random_characters',
        PAYMONGO_SECRET_KEY: 'sk_live_REPLACE_ME',
        PAYMONGO_WEBHOOK_SECRET: 'whsk_changeme_later',
      }),
    ).toThrow(
      new ConfigError([
        'JWT_SECRET: a default/test placeholder value is not allowed in production',
        'PAYMONGO_SECRET_KEY: a default/test placeholder value is not allowed in production',
        'PAYMONGO_WEBHOOK_SECRET: a default/test placeholder value is not allowed in production',
      ]),
    );
  });
});
