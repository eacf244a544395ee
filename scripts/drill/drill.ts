import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../bench/bench-support';
import { AppProcess, status } from './app-process';
import { Balancer } from './balancer';
import { getJson, postJson, sleep } from './http';
import { MixedLoad, Party } from './mixed-load';
import { OwnPostgres } from './own-postgres';
import { OwnRedis } from './own-redis';
import { MoneySummary, reconcileMoney } from './reconcile';
import { REPO_ROOT } from './repo-root';

/** How hard and how long: `full` for `npm run drill`, `short` for CI (≤ 90 s). */
export interface DrillProfile {
  name: string;
  /** Concurrent clients, each in a loop of deposits, withdrawals and wallet-funded jobs. */
  clients: number;
  /** Idempotency-Key lease: how long a key a killed instance held stays claimed. */
  leaseSeconds: number;
  /** Load kept running after each fault once the service recovered. */
  settleMs: number;
  pgOutageMs: number;
  redisOutageMs: number;
  /** Webhook storm: deposits paid at once, each webhook delivered this many times. */
  stormDeposits: number;
  stormCopies: number;
}

export const FULL_PROFILE: DrillProfile = {
  name: 'full',
  clients: 8,
  leaseSeconds: 60,
  settleMs: 5_000,
  pgOutageMs: 10_000,
  redisOutageMs: 15_000,
  stormDeposits: 30,
  stormCopies: 10,
};

export const SHORT_PROFILE: DrillProfile = {
  name: 'short',
  clients: 4,
  // Shorter than production's 60 s so the short run's clients are not held up a whole minute by a
  // key the killed instance held; what happens after the lease is the same.
  leaseSeconds: 15,
  settleMs: 1_000,
  pgOutageMs: 3_000,
  redisOutageMs: 3_000,
  stormDeposits: 6,
  stormCopies: 5,
};

export interface PhaseReport {
  name: string;
  /** Client-side answers by HTTP status (0 = no answer). */
  statuses: Record<string, number>;
  /** Per instance: readiness status changes, as "status@seconds since the fault began". */
  readiness: Record<string, string>;
  /** From the end of the fault until both instances were ready and a request succeeded. */
  recoveryMs: number;
}

export interface DrillReport {
  profile: string;
  phases: PhaseReport[];
  deposits: { created: number; paid: number; credited: number; stuckPending: number };
  /** Withdrawals, jobs and the wallet identity (reconcile.ts). */
  money?: MoneySummary;
  sameKeyRetries: number;
  /** Error-level log lines of the two instances (an outage is one warning per transition, not these). */
  errorLogLines: string[];
  problems: string[];
  ok: boolean;
}

interface Deposit {
  user: string;
  token: string;
  transactionId: string;
  checkoutId: string;
  amount: number;
}

const JWT_SECRET = 'fault-drill-secret-that-is-long-enough-0123456789';

export async function runDrill(
  profile: DrillProfile,
  log: (line: string) => void = (l) => console.log(l),
): Promise<DrillReport> {
  const problems: string[] = [];
  const pg = new OwnPostgres(await freePort());
  const redis = new OwnRedis(await freePort());
  const apps: AppProcess[] = [];
  let balancer: Balancer | undefined;
  let gateway: AppProcess | undefined;
  try {
    await Promise.all([pg.start(), redis.start()]);
    const dbUrl = await pg.createDatabase('scratch_drill');
    const gatewayDb = await pg.createDatabase('scratch_drill_gateway');
    balancer = new Balancer(() => apps.filter((a) => a.running).map((a) => a.port));
    await balancer.start();
    const lb = balancer.url;
    const common = {
      NODE_ENV: 'test',
      ENVIRONMENT: 'test',
      JSON_LOGGING: 'true',
      LOG_LEVEL: 'warn',
      JWT_SECRET,
      RATE_LIMIT_DISABLED: 'true',
      DB_POOL_MAX: '10',
      IDEMPOTENCY_LEASE_SECONDS: String(profile.leaseSeconds),
    };
    // The gateway: the built-in sandbox in a process of its own, delivering webhooks through the
    // balancer like a real gateway would to the public URL.
    const gwPort = await freePort();
    gateway = new AppProcess('gateway', gwPort, {
      ...common,
      DATABASE_URL: gatewayDb,
      PUBLIC_BASE_URL: lb,
      CRON_DISABLED: 'true',
    });
    const gw = `http://127.0.0.1:${gwPort}`;
    for (const name of ['a', 'b'])
      apps.push(
        new AppProcess(name, await freePort(), {
          ...common,
          DATABASE_URL: dbUrl,
          REDIS_URL: redis.url,
          PUBLIC_BASE_URL: lb,
          PAYMONGO_BASE_URL: `${gw}/sandbox/paymongo`,
          XENDIT_BASE_URL: `${gw}/sandbox/xendit`,
          PAYMONGO_SECRET_KEY: 'sk_test_sandbox',
          PAYMONGO_WEBHOOK_SECRET: 'whsk_sandbox_local',
          // Payouts through the gateway's transfer API (otherwise an admin pays out by hand).
          PAYMONGO_PAYOUTS_ENABLED: 'true',
          XENDIT_API_KEY: 'xnd_development_sandbox',
          XENDIT_WEBHOOK_TOKEN: 'xendit-sandbox-callback-token',
          CRON_DISABLED: 'false',
        }),
      );
    await apps[0].start(); // runs the migrations
    await Promise.all([apps[1].start(), gateway.start()]);
    // Every webhook twice (duplicates), and retried long enough to outlive the outages.
    await postJson(`${gw}/sandbox/_control/controls`, {
      duplicates: 2,
      maxAttempts: 12,
      retryBaseMs: 500,
    });
    log(
      `drill (${profile.name}): PostgreSQL :${pg.port}, Redis :${redis.port}, gateway :${gwPort}, instances ${apps.map((a) => `:${a.port}`).join(' ')}, balancer ${lb}`,
    );

    // Clients and their records: the truth the service is reconciled against.
    let phase: PhaseReport = newPhase('warm-up');
    const register = async (i: number, role: 'CLIENT' | 'WORKER'): Promise<Party> => {
      const r = await postJson(`${lb}/api/auth/register`, {
        email: `drill-${role.toLowerCase()}-${i}-${randomUUID().slice(0, 8)}@example.com`,
        password: 'drill password long enough',
        name: `Drill ${role.toLowerCase()} ${i}`,
        role,
      });
      const body = r.body as { user: { id: string }; accessToken: string };
      return { id: body.user.id, token: body.accessToken };
    };
    const users: Party[] = [];
    const workers: Party[] = [];
    for (let i = 0; i < profile.clients + 1; i++) users.push(await register(i, 'CLIENT'));
    for (let i = 0; i < profile.clients; i++) workers.push(await register(i, 'WORKER'));
    // Payout accounts that already earned automatic payouts (verified, added a week ago), written
    // straight into the drill's own database as the tests' trustedPayoutAccount helper does: how an
    // account earns trust is not what the drill is about.
    const payoutAccount = new Map<string, string>();
    const setup = new Client({ connectionString: dbUrl });
    await setup.connect();
    try {
      for (const u of users) {
        const { rows } = await setup.query<{ id: string }>(
          `INSERT INTO payment_methods (user_id, type, account_name, account_number, is_verified, verified_at, created_at)
           VALUES ($1, 'MAYA', 'Drill Client', '09171234567', true, now() - interval '7 days', now() - interval '7 days')
           RETURNING id`,
          [u.id],
        );
        payoutAccount.set(u.id, rows[0].id);
      }
    } finally {
      await setup.end();
    }
    // An operator, made as operators make one (the CLI), to run the payout poll at reconciliation:
    // PayMongo reports transfers only when asked (every 2 minutes on schedule).
    const adminPassword = 'drill operator password long enough';
    execFileSync(
      process.execPath,
      [
        join(REPO_ROOT, 'dist/cli/admin-create.js'),
        '--email',
        'ops@drill.test',
        '--password',
        adminPassword,
      ],
      {
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: dbUrl },
        encoding: 'utf8',
      },
    );
    const adminLogin = await postJson(`${lb}/api/auth/login`, {
      email: 'ops@drill.test',
      password: adminPassword,
    });
    if (adminLogin.status !== 200)
      throw new Error(`drill operator login answered ${adminLogin.status}`);
    const adminToken = (adminLogin.body as { accessToken: string }).accessToken;
    const pollPayouts = () =>
      postJson(`${lb}/api/admin/scheduled-jobs/withdrawal-payouts-poll/run`, {}, adminToken);
    const created: Deposit[] = [];
    const paid: Deposit[] = [];
    const payments: Array<Promise<void>> = [];
    let sameKeyRetries = 0;
    let running = true;

    const deposit = async (user: { id: string; token: string }): Promise<Deposit | undefined> => {
      const key = randomUUID();
      // ₱20 (PayMongo minimum) to ₱309: enough that withdrawals (₱100 minimum) and jobs get funded.
      const amount = 2_000 + Math.floor(Math.random() * 290) * 100;
      let first: string | undefined;
      const deadline = Date.now() + 60_000;
      // A careful client: retries the same key on 503/no answer/in-progress until it gets an answer.
      while (Date.now() < deadline) {
        const r = await postJson(`${lb}/api/wallet/deposit`, { amount }, user.token, key);
        phase.statuses[r.status] = (phase.statuses[r.status] ?? 0) + 1;
        if (r.status === 201) {
          const body = r.body as { transaction: { id: string }; checkoutId: string };
          if (first && first !== body.transaction.id)
            problems.push(`key ${key}: two transactions ${first} and ${body.transaction.id}`);
          first = body.transaction.id;
          // Now and then the client retries anyway (lost answer): same key, same transaction.
          if (Math.random() < 0.3) {
            sameKeyRetries++;
            continue;
          }
          const d = {
            user: user.id,
            token: user.token,
            transactionId: first,
            checkoutId: body.checkoutId,
            amount,
          };
          created.push(d);
          return d;
        }
        if (r.status === 503 || r.status === 502 || r.status === 0 || r.status === 409) {
          await sleep(r.retryAfterS ? Math.min(r.retryAfterS, 2) * 1000 : 300);
          continue;
        }
        problems.push(`deposit answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
        return undefined;
      }
      return undefined;
    };
    // The payer is the drill's own client of the sandbox gateway, which keeps its checkouts in the
    // drill's PostgreSQL: through an outage it answers 503 like every route, so the payer retries.
    // A 409 after such a retry means an earlier attempt committed: the checkout says whether it paid.
    const pay = async (d: Deposit) => {
      const url = `${gw}/sandbox/_control/checkouts/${d.checkoutId}`;
      const deadline = Date.now() + (profile.leaseSeconds + 60) * 1000;
      let retried = false;
      while (Date.now() < deadline) {
        const r = await postJson(`${url}/pay`, {});
        if (r.status === 200) return void paid.push(d);
        if (r.status === 409 && retried) {
          const c = await getJson(url, '');
          if ((c.body as { state?: string } | null)?.state === 'paid') return void paid.push(d);
        }
        if (r.status !== 503 && r.status !== 502 && r.status !== 0) break;
        retried = true;
        await sleep(r.retryAfterS ? Math.min(r.retryAfterS, 2) * 1000 : 300);
      }
      problems.push(`sandbox pay ${d.checkoutId} did not go through`);
    };
    const load = new MixedLoad(
      lb,
      (s) => (phase.statuses[s] = (phase.statuses[s] ?? 0) + 1),
      problems,
      (profile.leaseSeconds + 60) * 1000,
    );
    // Mixed load: mostly deposits (the money comes in), then withdrawals and wallet-funded jobs
    // (it goes out), each client with a worker of its own.
    const clients = users.slice(0, profile.clients).map(async (user, i) => {
      while (running) {
        const pick = Math.random();
        if (pick < 0.6) {
          const d = await deposit(user);
          if (d) payments.push(pay(d));
        } else if (pick < 0.8) await load.withdraw(user, payoutAccount.get(user.id) as string);
        else await load.job(user, workers[i]);
        await sleep(100);
      }
    });

    const phases: PhaseReport[] = [];
    const runPhase = async (name: string, fault: () => Promise<void>) => {
      phase = newPhase(name);
      const started = Date.now();
      const seen = new Map<string, number>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          for (const app of apps) {
            const s = app.running ? await status(`${app.url}/health/ready`) : 0;
            if (seen.get(app.name) !== s) {
              seen.set(app.name, s);
              const at = ((Date.now() - started) / 1000).toFixed(1);
              phase.readiness[app.name] =
                `${phase.readiness[app.name] ?? ''} ${s || 'down'}@${at}s`.trim();
            }
          }
          await sleep(250);
        }
      })();
      await fault();
      const faultEnd = Date.now();
      const probe = users[profile.clients];
      for (;;) {
        const ready = await Promise.all(apps.map((a) => status(`${a.url}/health/ready`)));
        const wallet = await getStatus(`${lb}/api/wallet`, probe.token);
        if (ready.every((s) => s === 200) && wallet === 200) break;
        if (Date.now() - faultEnd > 120_000) {
          problems.push(`${name}: not recovered within 120 s`);
          break;
        }
        await sleep(200);
      }
      phase.recoveryMs = Date.now() - faultEnd;
      await sleep(profile.settleMs);
      sampling = false;
      await sampler;
      phases.push(phase);
      log(
        `  ${name}: recovered in ${(phase.recoveryMs / 1000).toFixed(1)} s; answers ${JSON.stringify(phase.statuses)}`,
      );
    };

    await runPhase('baseline', () => sleep(profile.settleMs));
    await runPhase('kill -9 of instance a', async () => {
      await apps[0].kill9();
      await sleep(1_000);
      await apps[0].start();
    });
    await runPhase('PostgreSQL restart', () => pg.restart());
    await runPhase(`PostgreSQL down ${profile.pgOutageMs / 1000} s`, async () => {
      await pg.stop();
      await sleep(profile.pgOutageMs);
      await pg.start();
    });
    await runPhase(`Redis down ${profile.redisOutageMs / 1000} s`, async () => {
      await redis.stop();
      await sleep(profile.redisOutageMs);
      await redis.start();
    });
    await runPhase(
      `webhook storm (${profile.stormDeposits} × ${profile.stormCopies} copies)`,
      async () => {
        await postJson(`${gw}/sandbox/_control/controls`, { duplicates: profile.stormCopies });
        const storm = await Promise.all(
          Array.from({ length: profile.stormDeposits }, (_, i) =>
            deposit(users[i % profile.clients]),
          ),
        );
        await Promise.all(storm.filter((d): d is Deposit => !!d).map(pay));
        await postJson(`${gw}/sandbox/_control/controls`, { duplicates: 2 });
      },
    );

    running = false;
    await Promise.all(clients);
    await Promise.all(payments);

    // Reconcile from the client-side records.
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    let stuck = 0;
    let credited = 0;
    let money: MoneySummary | undefined;
    try {
      const ids = paid.map((d) => d.transactionId);
      const deadline = Date.now() + 120_000;
      for (;;) {
        const { rows } = await db.query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM transactions WHERE id = ANY($1::uuid[]) GROUP BY status`,
          [ids],
        );
        stuck = rows.find((r) => r.status === 'PENDING')?.n ?? 0;
        credited = rows.find((r) => r.status === 'COMPLETED')?.n ?? 0;
        if (stuck === 0 || Date.now() > deadline) break;
        await sleep(1_000);
      }
      if (stuck > 0) problems.push(`${stuck} paid deposits still PENDING after 120 s`);
      if (credited !== paid.length) problems.push(`${paid.length} paid, ${credited} completed`);
      // Every paid event applied exactly once, whatever the copies and outages (the storm included):
      // one processed webhook event per deposit, none left in ERROR for the reconciliation poll.
      const { rows: events } = await db.query<{ transaction_id: string; n: number }>(
        `SELECT transaction_id, count(*)::int AS n FROM webhook_events
          WHERE transaction_id = ANY($1::uuid[]) AND status = 'PROCESSED' GROUP BY transaction_id`,
        [ids],
      );
      const applied = new Map(events.map((e) => [e.transaction_id, e.n]));
      const notOnce = ids.filter((id) => applied.get(id) !== 1);
      if (notOnce.length > 0)
        problems.push(
          `${notOnce.length} paid deposits not applied exactly once by a webhook event: ${notOnce
            .slice(0, 3)
            .map((id) => `${id}×${applied.get(id) ?? 0}`)
            .join(', ')}`,
        );
      const { rows: errored } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_events WHERE status = 'ERROR'`,
      );
      if (errored[0].n > 0) problems.push(`${errored[0].n} webhook events left in ERROR`);
      // Exactly once, in money: wallets = deposits − withdrawals − job movements (reconcile.ts).
      money = await reconcileMoney(db, lb, users, workers, paid, load, problems, pollPayouts);
      const { rows: extra } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM transactions WHERE type = 'DEPOSIT' AND status = 'COMPLETED' AND NOT (id = ANY($1::uuid[]))`,
        [ids],
      );
      if (extra[0].n > 0) problems.push(`${extra[0].n} deposits completed that no client paid`);
    } finally {
      await db.end();
    }
    try {
      const out = execFileSync(process.execPath, [join(REPO_ROOT, 'dist/cli/ledger-verify.js')], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: dbUrl },
        encoding: 'utf8',
      });
      log(out.trim().replace(/^/gm, '  '));
    } catch (err) {
      problems.push(
        `ledger audit or hash chain failed: ${(err as { stdout?: string }).stdout ?? String(err)}`,
      );
    }
    const errorLogLines = apps.flatMap((a) => errorLines(a.output()).map((l) => `${a.name}: ${l}`));
    for (const app of [...apps, gateway])
      if (app.unexpectedExits.length > 0)
        problems.push(
          `instance ${app.name} exited unexpectedly: ${JSON.stringify(app.unexpectedExits)}`,
        );

    return {
      profile: profile.name,
      phases,
      deposits: { created: created.length, paid: paid.length, credited, stuckPending: stuck },
      money,
      sameKeyRetries: sameKeyRetries + load.sameKeyRetries,
      errorLogLines,
      problems,
      ok: problems.length === 0,
    };
  } finally {
    for (const app of apps) await app.stop();
    await gateway?.stop();
    // Keep every instance's log (warnings and errors, JSON) for whoever reads the report.
    const logDir = mkdtempSync(join(tmpdir(), 'drill-logs-'));
    for (const app of [...apps, ...(gateway ? [gateway] : [])])
      writeFileSync(join(logDir, `${app.name}.log`), app.output());
    log(`instance logs: ${logDir}`);
    await balancer?.stop();
    await redis.stop();
    await pg.destroy();
  }
}

/** The report as the tables docs/RELIABILITY.md shows. */
export function formatReport(r: DrillReport): string {
  const statuses = [...new Set(r.phases.flatMap((p) => Object.keys(p.statuses)))].sort();
  const lines = [
    `| fault | ${statuses.map((s) => (s === '0' ? 'no answer' : s)).join(' | ')} | readiness (status@s) | recovery |`,
    `|---|${statuses.map(() => '---:').join('|')}|---|---:|`,
    ...r.phases.map(
      (p) =>
        `| ${p.name} | ${statuses.map((s) => p.statuses[s] ?? 0).join(' | ')} | ${Object.entries(
          p.readiness,
        )
          .map(([k, v]) => `${k}: ${v}`)
          .join('; ')} | ${(p.recoveryMs / 1000).toFixed(1)} s |`,
    ),
    '',
    `deposits: ${r.deposits.created} created, ${r.deposits.paid} paid, ${r.deposits.credited} credited, ${r.deposits.stuckPending} stuck PENDING; ${r.sameKeyRetries} same-key retries`,
    ...(r.money ? moneyLines(r.money) : []),
    `instance log lines at error level: ${r.errorLogLines.length}${r.errorLogLines
      .slice(0, 5)
      .map((l) => `\n  ${l}`)
      .join('')}`,
    r.ok ? 'reconciliation: clean' : `PROBLEMS:\n${r.problems.map((p) => `- ${p}`).join('\n')}`,
  ];
  return lines.join('\n');
}

/** The messages of the JSON log lines at error level or above (pino: 50 error, 60 fatal). */
function errorLines(log: string): string[] {
  const out: string[] = [];
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; context?: string; msg?: string };
      if ((entry.level ?? 0) >= 50)
        out.push(`[${entry.context ?? '?'}] ${(entry.msg ?? '').slice(0, 200)}`);
    } catch {
      /* a partial line at the buffer's cut */
    }
  }
  return out;
}

function moneyLines(m: MoneySummary): string[] {
  const peso = (c: number) => `₱${(c / 100).toFixed(2)}`;
  const w = m.withdrawals;
  return [
    `withdrawals: ${w.made} made, ${w.completed} completed, ${w.failed} failed (refunded), ${w.refused} refused INSUFFICIENT_FUNDS; payout answered ${JSON.stringify(w.payouts)}`,
    `jobs: ${m.jobs.created} created, ${m.jobs.downpaid} downpayments, ${m.jobs.approved} approved`,
    `wallets ${peso(m.wallets)} = deposits ${peso(m.deposits)} − withdrawals ${peso(w.amount)} − job payments ${peso(m.jobPayments)}; job payments = escrow ${peso(m.escrow)} + pending earnings ${peso(m.pendingEarnings)} + fees ${peso(m.fees)}`,
  ];
}

function newPhase(name: string): PhaseReport {
  return { name, statuses: {}, readiness: {}, recoveryMs: 0 };
}

async function getStatus(url: string, token: string): Promise<number> {
  try {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
