import type http from 'node:http';
import { LedgerAuditService } from 'src/modules/ledger/ledger-audit.service';
import { LedgerChainService } from 'src/modules/ledger/ledger-chain.service';
import {
  createNamedDatabase,
  dropNamedDatabase,
  httpJson,
  JsonResponse,
  manySocketsAgent,
  pooled,
} from '../support/http-json';
import { createTestApp, TestApp } from '../support/test-app';

interface PostResult {
  status: 'APPLIED' | 'DUPLICATE' | 'REJECTED';
  transactionId: string | null;
  reason: string | null;
}
interface JournalLine {
  entryId: string;
  transactionId: string;
  accountId: string;
  type: 'DEBIT' | 'CREDIT';
  amountSubunits: number;
  currency: string;
  sequence: number;
  accountSequence: number;
  prevHash: string;
  entryHash: string;
}

describe('Ledger test harness /_lck (e2e, real PostgreSQL over HTTP)', () => {
  let t: TestApp;
  let agent: http.Agent;
  let n = 0;
  const key = (p: string) => `${p}-${++n}`;

  const post = (body: unknown) =>
    httpJson<PostResult>(t.url, 'POST', '/_lck/post', body, { agent });
  const transfer = (
    idempotencyKey: string,
    from: string,
    to: string,
    amount: unknown,
    opts: { allowOverdraft?: boolean; currency?: string } = {},
  ) =>
    post({
      idempotencyKey,
      transactionId: `tx-${idempotencyKey}`,
      allowOverdraft: opts.allowOverdraft ?? false,
      legs: [
        {
          accountId: from,
          type: 'DEBIT',
          amountSubunits: amount,
          currency: opts.currency ?? 'USD',
        },
        { accountId: to, type: 'CREDIT', amountSubunits: amount, currency: opts.currency ?? 'USD' },
      ],
    });
  const balance = async (account: string, currency = 'USD') =>
    (
      await httpJson<{ subunits: number }>(
        t.url,
        'GET',
        `/_lck/balance?account=${encodeURIComponent(account)}&currency=${currency}`,
        undefined,
        { agent },
      )
    ).body.subunits;
  const journal = async () =>
    (await httpJson<JournalLine[]>(t.url, 'GET', '/_lck/journal', undefined, { agent })).body;

  beforeAll(async () => {
    t = await createTestApp({ env: { LEDGER_TEST_API: '1' } });
    agent = manySocketsAgent(500);
  });
  afterAll(async () => {
    agent.destroy();
    await t.close();
  });
  beforeEach(async () => {
    const r = await httpJson(t.url, 'POST', '/_lck/reset', {}, { agent });
    expect(r.status).toBe(200);
  });

  it('should apply a transfer, report balances as credits − debits, and list the journal in order', async () => {
    const r = await transfer('k1', 'world', 'alice', 500, { allowOverdraft: true });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'APPLIED', transactionId: 'tx-k1', reason: null });
    await transfer('k2', 'alice', 'bob', 200);
    expect(await balance('world')).toBe(-500);
    expect(await balance('alice')).toBe(300);
    expect(await balance('bob')).toBe(200);
    expect(await balance('nobody')).toBe(0);
    // Sealing waits for every older transaction in the cluster; give busy machines time.
    await t.app.get(LedgerChainService).sealAll(30_000);
    const j = await journal();
    expect(
      j.map((l) => [l.entryId, l.transactionId, l.accountId, l.type, l.amountSubunits]),
    ).toEqual([
      ['k1#1', 'tx-k1', 'world', 'DEBIT', 500],
      ['k1#2', 'tx-k1', 'alice', 'CREDIT', 500],
      ['k2#1', 'tx-k2', 'alice', 'DEBIT', 200],
      ['k2#2', 'tx-k2', 'bob', 'CREDIT', 200],
    ]);
    // One line, one entryId (the contract: never shared by the legs of one posting).
    expect(new Set(j.map((l) => l.entryId)).size).toBe(j.length);
    expect(j.every((l) => l.currency === 'USD')).toBe(true);
    for (let i = 1; i < j.length; i++) expect(j[i].sequence).toBeGreaterThan(j[i - 1].sequence);
    expect(j.filter((l) => l.accountId === 'alice').map((l) => l.accountSequence)).toEqual([1, 2]);
    // Hash chain: the second entry points at the first.
    expect(j[0].entryHash).toMatch(/^[0-9a-f]{64}$/);
    expect(j[2].prevHash).toBe(j[0].entryHash);
    expect(j[0].prevHash).toBe('0'.repeat(64));
  });

  it('should list every line exactly once, in commit order, to a reader paging while writers run', async () => {
    // Readers page by "lines after the last sequence I saw". Posting ids are taken at insert, so a
    // journal listing every visible row lets a lower id commit after a reader passed it: lost.
    const writers = 8;
    const perWriter = 40;
    let writing = true;
    const writes = Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const applied: string[] = [];
        for (let i = 0; i < perWriter; i++) {
          const k = `page-${w}-${i}`;
          const r = await transfer(k, `src-${w}`, `dst-${(w + i) % 5}`, i + 1, {
            allowOverdraft: true,
          });
          if (r.body.status === 'APPLIED') applied.push(`tx-${k}`);
        }
        return applied;
      }),
    ).finally(() => (writing = false));
    const collected: JournalLine[] = [];
    let previous: JournalLine[] = [];
    let last = -1;
    const page = async () => {
      const j = await journal();
      // What was listed before is still listed, unchanged and first: nothing committed below it.
      expect(j.slice(0, previous.length)).toEqual(previous);
      previous = j;
      const fresh = j.filter((l) => l.sequence > last);
      collected.push(...fresh);
      if (fresh.length > 0) last = fresh[fresh.length - 1].sequence;
    };
    let reads = 0;
    while (writing) {
      await page();
      reads++;
    }
    const applied = (await writes).flat();
    await page();
    expect(reads).toBeGreaterThan(0);
    expect(applied).toHaveLength(writers * perWriter);
    expect(new Set(collected.map((l) => l.entryId)).size).toBe(collected.length);
    const byTx = new Map<string, number>();
    for (const l of collected) byTx.set(l.transactionId, (byTx.get(l.transactionId) ?? 0) + 1);
    expect([...byTx.keys()].sort()).toEqual([...applied].sort());
    expect([...byTx.values()].every((n) => n === 2)).toBe(true);
    for (let i = 1; i < collected.length; i++)
      expect(collected[i].sequence).toBeGreaterThan(collected[i - 1].sequence);
  });

  it('should answer a repeated key with DUPLICATE and never apply it twice', async () => {
    await transfer('dup', 'world', 'alice', 100, { allowOverdraft: true });
    const again = await transfer('dup', 'world', 'alice', 100, { allowOverdraft: true });
    expect(again.body).toEqual({ status: 'DUPLICATE', transactionId: 'tx-dup', reason: null });
    const differentBody = await transfer('dup', 'world', 'alice', 999, { allowOverdraft: true });
    expect(differentBody.body.status).toBe('DUPLICATE');
    expect(await balance('alice')).toBe(100);
    expect((await journal()).length).toBe(2);
  });

  it('should keep a rejected key rejected even after the account is funded', async () => {
    const first = await transfer('sticky', 'carol', 'dave', 50);
    expect(first.body).toEqual({
      status: 'REJECTED',
      transactionId: 'tx-sticky',
      reason: 'INSUFFICIENT_FUNDS',
    });
    await transfer('fund', 'world', 'carol', 1000, { allowOverdraft: true });
    const retry = await transfer('sticky', 'carol', 'dave', 50);
    expect(retry.body.status).toBe('REJECTED');
    expect(retry.body.reason).toBe('INSUFFICIENT_FUNDS');
    expect(await balance('carol')).toBe(1000);
    expect(await balance('dave')).toBe(0);
  });

  it('should reject overdrafts unless allowOverdraft, per post', async () => {
    expect((await transfer(key('o'), 'erin', 'frank', 1)).body.status).toBe('REJECTED');
    expect(
      (await transfer(key('o'), 'erin', 'frank', 1, { allowOverdraft: true })).body.status,
    ).toBe('APPLIED');
    expect(await balance('erin')).toBe(-1);
    // erin is negative now: a further debit without overdraft is refused, a credit is fine.
    expect((await transfer(key('o'), 'erin', 'frank', 1)).body.status).toBe('REJECTED');
    expect((await transfer(key('o'), 'frank', 'erin', 1)).body.status).toBe('APPLIED');
    expect(await balance('erin')).toBe(0);
  });

  it('should reject bad amounts, unbalanced and mixed-currency posts as REJECTED and write nothing', async () => {
    const bad: unknown[] = [-5, 0, 1.5, '100', 100_000_000_001, null, Number.MAX_SAFE_INTEGER + 2];
    for (const amount of bad) {
      const r = await transfer(key('bad'), 'world', 'gina', amount, { allowOverdraft: true });
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('REJECTED');
      expect(typeof r.body.reason).toBe('string');
    }
    const unbalanced = await post({
      idempotencyKey: key('unbalanced'),
      transactionId: 'u',
      allowOverdraft: true,
      legs: [
        { accountId: 'world', type: 'DEBIT', amountSubunits: 100, currency: 'USD' },
        { accountId: 'gina', type: 'CREDIT', amountSubunits: 90, currency: 'USD' },
      ],
    });
    expect(unbalanced.body).toMatchObject({ status: 'REJECTED', reason: 'UNBALANCED' });
    const mixed = await post({
      idempotencyKey: key('mixed'),
      transactionId: 'm',
      allowOverdraft: true,
      legs: [
        { accountId: 'world', type: 'DEBIT', amountSubunits: 100, currency: 'USD' },
        { accountId: 'gina', type: 'CREDIT', amountSubunits: 100, currency: 'EUR' },
      ],
    });
    expect(mixed.body).toMatchObject({ status: 'REJECTED', reason: 'UNBALANCED' });
    const oneLeg = await post({
      idempotencyKey: key('one'),
      transactionId: 'o',
      allowOverdraft: true,
      legs: [{ accountId: 'gina', type: 'CREDIT', amountSubunits: 100, currency: 'USD' }],
    });
    expect(oneLeg.body.status).toBe('REJECTED');
    const badCurrency = await transfer(key('cur'), 'world', 'gina', 5, {
      allowOverdraft: true,
      currency: 'usd',
    });
    expect(badCurrency.body.status).toBe('REJECTED');
    // Balanced multi-currency posts are fine.
    const fx = await post({
      idempotencyKey: key('fx'),
      transactionId: 'fx',
      allowOverdraft: true,
      legs: [
        { accountId: 'world', type: 'DEBIT', amountSubunits: 100, currency: 'USD' },
        { accountId: 'gina', type: 'CREDIT', amountSubunits: 100, currency: 'USD' },
        { accountId: 'world', type: 'DEBIT', amountSubunits: 7, currency: 'EUR' },
        { accountId: 'gina', type: 'CREDIT', amountSubunits: 7, currency: 'EUR' },
      ],
    });
    expect(fx.body.status).toBe('APPLIED');
    expect(await balance('gina', 'USD')).toBe(100);
    expect(await balance('gina', 'EUR')).toBe(7);
    expect((await journal()).length).toBe(4);
    // A missing key cannot be recorded at all: 400.
    const noKey = await post({ transactionId: 'x', allowOverdraft: false, legs: [] });
    expect(noKey.status).toBe(400);
    const notObject = await httpJson(t.url, 'POST', '/_lck/post', [1, 2], { agent });
    expect(notObject.status).toBe(400);
  });

  it('should apply exactly one entry for 256 concurrent submissions of one key, with identical answers', async () => {
    await transfer('seed', 'world', 'hank', 10_000, { allowOverdraft: true });
    const results = await Promise.all(
      Array.from({ length: 256 }, () => transfer('storm', 'hank', 'ivy', 1234)),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const applied = results.filter((r) => r.body.status === 'APPLIED');
    const dups = results.filter((r) => r.body.status === 'DUPLICATE');
    expect(applied).toHaveLength(1);
    expect(dups).toHaveLength(255);
    expect(new Set(dups.map((r) => r.text)).size).toBe(1);
    expect(dups[0].body.transactionId).toBe(applied[0].body.transactionId);
    expect(await balance('ivy')).toBe(1234);
    expect((await journal()).filter((l) => l.transactionId === 'tx-storm')).toHaveLength(2);
  });

  it('should apply one entry when 256 duplicates are spread over two app instances', async () => {
    const second = await createTestApp({
      databaseUrl: t.databaseUrl,
      env: { LEDGER_TEST_API: '1' },
    });
    try {
      await transfer('seed2', 'world', 'lena', 10_000, { allowOverdraft: true });
      const body = {
        idempotencyKey: 'storm-2',
        transactionId: 'tx-storm-2',
        allowOverdraft: false,
        legs: [
          { accountId: 'lena', type: 'DEBIT', amountSubunits: 4321, currency: 'USD' },
          { accountId: 'mona', type: 'CREDIT', amountSubunits: 4321, currency: 'USD' },
        ],
      };
      const results = await Promise.all(
        Array.from({ length: 256 }, (_, i) =>
          httpJson<PostResult>(i % 2 ? second.url : t.url, 'POST', '/_lck/post', body, { agent }),
        ),
      );
      expect(results.filter((r) => r.body.status === 'APPLIED')).toHaveLength(1);
      expect(results.filter((r) => r.body.status === 'DUPLICATE')).toHaveLength(255);
      expect(await balance('mona')).toBe(4321);
      expect(await balance('lena')).toBe(10_000 - 4321);
    } finally {
      await second.close();
    }
  });

  it('should sum 2,000 concurrent credits into one hot account exactly', async () => {
    const results = await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        transfer(`hot-${i}`, `src-${i % 50}`, 'hot', (i % 7) + 1, { allowOverdraft: true }),
      ),
    );
    expect(results.filter((r) => r.body.status === 'APPLIED')).toHaveLength(2000);
    const expected = Array.from({ length: 2000 }, (_, i) => (i % 7) + 1).reduce((a, b) => a + b, 0);
    expect(await balance('hot')).toBe(expected);
    const hotLines = (await journal()).filter((l) => l.accountId === 'hot');
    expect(hotLines.map((l) => l.accountSequence)).toEqual(
      Array.from({ length: 2000 }, (_, i) => i + 1),
    );
  });

  it('should let exactly 37 of 100 concurrent withdrawals through against a balance covering 37', async () => {
    await transfer('fund37', 'world', 'jack', 37 * 250, { allowOverdraft: true });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => transfer(`wd-${i}`, 'jack', 'payout', 250)),
    );
    expect(results.filter((r) => r.body.status === 'APPLIED')).toHaveLength(37);
    expect(results.filter((r) => r.body.status === 'REJECTED')).toHaveLength(63);
    expect(await balance('jack')).toBe(0);
    expect(await balance('payout')).toBe(37 * 250);
  });

  it('should post 10,000 one-centavo transfers exactly', async () => {
    // 100 sources → 100 pockets so the load spreads over many rows (a hot account is tested above).
    const results = await pooled(10_000, 200, (i) =>
      transfer(`cent-${i}`, `mint-${i % 100}`, `pocket-${Math.floor(i / 100)}`, 1, {
        allowOverdraft: true,
      }),
    );
    expect(
      results.filter((r: JsonResponse<PostResult>) => r.body.status === 'APPLIED'),
    ).toHaveLength(10_000);
    const [mint, pockets] = await Promise.all([
      Promise.all(Array.from({ length: 100 }, (_, k) => balance(`mint-${k}`))),
      Promise.all(Array.from({ length: 100 }, (_, k) => balance(`pocket-${k}`))),
    ]);
    expect(mint.every((b) => b === -100)).toBe(true);
    expect(pockets.every((b) => b === 100)).toBe(true);
    const audit = await t.app.get(LedgerAuditService).run();
    expect(audit.checks.filter((c) => !c.pass)).toEqual([]);
    expect(audit.totals.postings).toBe(20_000);
  }, 240_000); // 20,000 HTTP requests: minutes, not seconds, on a saturated 2-core CI machine

  it('should rebuild every balance from the journal and match the stored balances', async () => {
    await pooled(300, 50, (i) =>
      transfer(`rb-${i}`, `acct-${i % 6}`, `acct-${(i * 5 + 1) % 6}`, (i % 13) + 1, {
        allowOverdraft: true,
      }),
    );
    const rebuilt = new Map<string, number>();
    for (const l of await journal())
      rebuilt.set(
        l.accountId,
        (rebuilt.get(l.accountId) ?? 0) +
          (l.type === 'CREDIT' ? l.amountSubunits : -l.amountSubunits),
      );
    for (const [account, value] of rebuilt) expect(await balance(account)).toBe(value);
    expect(await t.app.get(LedgerAuditService).rebuildMismatches()).toBe(0);
  });

  it('should empty idempotency keys and the whole ledger on reset', async () => {
    await transfer('before-reset', 'world', 'kim', 5, { allowOverdraft: true });
    await t.db.query(
      `INSERT INTO idempotency_keys (scope, route, key, fingerprint, status, locked_until, expires_at)
       VALUES ('s', 'r', 'k', 'f', 'IN_PROGRESS', now(), now() + interval '1 day')`,
    );
    await httpJson(t.url, 'POST', '/_lck/reset', {}, { agent });
    expect(await journal()).toEqual([]);
    expect(await balance('kim')).toBe(0);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM idempotency_keys`))[0].n).toBe(0);
    // The same key is free again after a reset.
    expect(
      (await transfer('before-reset', 'world', 'kim', 5, { allowOverdraft: true })).body.status,
    ).toBe('APPLIED');
  });
});

describe('Ledger test harness guard rails (e2e)', () => {
  it('should answer 404 on /_lck when LEDGER_TEST_API is off', async () => {
    const t = await createTestApp({ env: { LEDGER_TEST_API: undefined } });
    try {
      const r = await httpJson(t.url, 'POST', '/_lck/reset', {});
      expect(r.status).toBe(404);
      const b = await httpJson(t.url, 'GET', '/_lck/journal');
      expect(b.status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('should refuse to start with LEDGER_TEST_API=1 on a database not named test*/scratch*', async () => {
    const url = await createNamedDatabase('ledger_prodlike');
    try {
      await expect(
        createTestApp({ databaseUrl: url, env: { LEDGER_TEST_API: '1' } }),
      ).rejects.toThrow(/scratch database/);
    } finally {
      await dropNamedDatabase(url);
    }
  });
});
