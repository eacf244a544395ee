import type { Client } from 'pg';
import { Answer, getJson, sleep } from './http';
import type { DrillJob, MixedLoad, Party } from './mixed-load';

export interface MoneySummary {
  deposits: number;
  withdrawals: {
    made: number;
    completed: number;
    failed: number;
    refused: number;
    amount: number;
    /** The payout state the 201s answered, by state. */
    payouts: Record<string, number>;
  };
  jobs: { created: number; downpaid: number; approved: number };
  /** Job movements out of client wallets: downpayments + fees into escrow, remaining at approval. */
  jobPayments: number;
  /** Where the job movements are now: open escrows, workers' pending earnings, platform fees. */
  escrow: number;
  pendingEarnings: number;
  fees: number;
  wallets: number;
}

/**
 * Holds the service to what the clients saw. The identity checked, in centavos:
 *   Σ client wallets = paid deposits − completed withdrawals − job payments, where
 *   job payments = Σ (downpayment + fee) of paid downpayments + Σ remaining of approved jobs, and
 *   job payments = open escrows + workers' pending earnings + platform fees (nothing created or lost).
 * Per user and per job as well, so a double on one side cannot hide behind a loss on another.
 */
export async function reconcileMoney(
  db: Client,
  lb: string,
  clients: Party[],
  workers: Party[],
  paid: Array<{ user: string; amount: number }>,
  load: MixedLoad,
  problems: string[],
  /** Runs the gateway payout poll now (the operator's "run now" of the scheduled job). */
  pollPayouts: () => Promise<Answer>,
): Promise<MoneySummary> {
  const withdrawals = load.calls.filter((c) => c.kind === 'withdraw' && c.status === 201);
  // Payouts settle through the gateway (webhook or the scheduled poll): wait until none is pending.
  const ids = withdrawals.map((w) => w.transactionId);
  const final = new Map<string, { status: string; amount: number; type: string }>();
  const deadline = Date.now() + 120_000;
  let pollFailed = false;
  for (;;) {
    const poll = await pollPayouts();
    if (poll.status !== 200 && !pollFailed) {
      pollFailed = true;
      problems.push(
        `payout poll answered ${poll.status}: ${JSON.stringify(poll.body).slice(0, 200)}`,
      );
    }
    const { rows } = await db.query<{ id: string; status: string; amount: string; type: string }>(
      `SELECT id, status, amount, type FROM transactions WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    for (const r of rows)
      final.set(r.id, { status: r.status, amount: Number(r.amount), type: r.type });
    const pending = rows.filter((r) => r.status === 'PENDING').length;
    if (pending === 0 || Date.now() > deadline) {
      if (pending > 0) problems.push(`${pending} withdrawals still PENDING after 120 s`);
      break;
    }
    await sleep(1_000);
  }
  let completed = 0;
  let failed = 0;
  let withdrawn = 0;
  const withdrawnBy = new Map<string, number>();
  for (const w of withdrawals) {
    const row = final.get(w.transactionId ?? '');
    if (!row || row.type !== 'WITHDRAWAL' || row.amount !== w.charged) {
      problems.push(
        `withdrawal ${w.transactionId} (key ${w.key}): server has ${JSON.stringify(row)}`,
      );
      continue;
    }
    if (row.status === 'COMPLETED') {
      completed++;
      withdrawn += w.charged;
      withdrawnBy.set(w.user, (withdrawnBy.get(w.user) ?? 0) + w.charged);
    } else if (row.status === 'FAILED') failed++; // refunded in full: nothing left the wallet
  }
  // At most once per key: the service holds no withdrawal the clients were not answered 201 for.
  const { rows: held } = await db.query<{ user_id: string; n: number }>(
    `SELECT user_id, count(*)::int AS n FROM transactions WHERE type = 'WITHDRAWAL' GROUP BY user_id`,
  );
  for (const r of held) {
    const answered = withdrawals.filter((w) => w.user === r.user_id).length;
    if (r.n !== answered)
      problems.push(
        `user ${r.user_id}: ${r.n} withdrawals on the server, ${answered} answered 201`,
      );
  }

  // Jobs: the state, the escrow and the fees each paid call implies, and nothing else.
  const { rows: jobRows } = await db.query<{ id: string; status: string }>(
    `SELECT id, status FROM jobs`,
  );
  const jobStatus = new Map(jobRows.map((r) => [r.id, r.status]));
  const { rows: accounts } = await db.query<{ code: string; posted: string }>(
    `SELECT a.code, b.posted FROM ledger_accounts a JOIN ledger_balances b ON b.account_id = a.id
      WHERE a.code LIKE 'escrow:%' OR a.code = 'platform:fees'`,
  );
  const posted = new Map(accounts.map((a) => [a.code, Number(a.posted)]));
  const expectedStatus = (j: DrillJob) =>
    j.approved
      ? ['COMPLETED']
      : j.downpaid
        ? ['IN_PROGRESS', 'AWAITING_APPROVAL']
        : ['AWAITING_DOWNPAYMENT'];
  let escrow = 0;
  let fees = 0;
  for (const j of load.jobs) {
    const status = jobStatus.get(j.id) ?? 'missing';
    if (!expectedStatus(j).includes(status))
      problems.push(
        `job ${j.id}: ${status} on the server, client saw downpaid=${j.downpaid} approved=${j.approved}`,
      );
    const held = posted.get(`escrow:${j.id}`) ?? 0;
    const expected = j.downpaid && !j.approved ? j.downpaymentAmount + j.platformFee : 0;
    if (held !== expected) problems.push(`job ${j.id}: escrow ${held}, expected ${expected}`);
    escrow += held;
    if (j.approved) fees += j.platformFee;
  }
  const feesPosted = posted.get('platform:fees') ?? 0;
  if (feesPosted !== fees)
    problems.push(`platform fees ${feesPosted}, approved jobs' fees ${fees}`);

  // Wallets, per user: clients pay; workers hold pending earnings (released after the buffer days).
  const chargedBy = new Map<string, number>();
  for (const c of load.calls)
    if (c.kind !== 'withdraw') chargedBy.set(c.user, (chargedBy.get(c.user) ?? 0) + c.charged);
  let wallets = 0;
  for (const u of clients) {
    const w = await wallet(lb, u, problems);
    if (!w) continue;
    const deposited = paid.filter((d) => d.user === u.id).reduce((s, d) => s + d.amount, 0);
    const expected = deposited - (withdrawnBy.get(u.id) ?? 0) - (chargedBy.get(u.id) ?? 0);
    if (w.balance !== expected || w.reserved !== 0)
      problems.push(
        `user ${u.id}: balance ${w.balance} (reserved ${w.reserved}), expected ${expected} = deposits ${deposited} − withdrawals ${withdrawnBy.get(u.id) ?? 0} − job payments ${chargedBy.get(u.id) ?? 0}`,
      );
    wallets += w.balance;
  }
  let pendingEarnings = 0;
  for (const u of workers) {
    const w = await wallet(lb, u, problems);
    if (!w) continue;
    const earned = load.jobs
      .filter((j) => j.worker === u.id && j.approved)
      .reduce((s, j) => s + j.budget, 0);
    if (w.pendingEarnings !== earned || w.balance !== 0)
      problems.push(
        `worker ${u.id}: pending ${w.pendingEarnings}, balance ${w.balance}; approved budgets ${earned}`,
      );
    pendingEarnings += w.pendingEarnings;
  }
  const deposits = paid.reduce((s, d) => s + d.amount, 0);
  const jobPayments = [...chargedBy.values()].reduce((s, n) => s + n, 0);
  if (wallets !== deposits - withdrawn - jobPayments)
    problems.push(
      `wallets ${wallets} ≠ deposits ${deposits} − withdrawals ${withdrawn} − job payments ${jobPayments}`,
    );
  if (jobPayments !== escrow + pendingEarnings + fees)
    problems.push(
      `job payments ${jobPayments} ≠ escrow ${escrow} + pending earnings ${pendingEarnings} + fees ${fees}`,
    );

  const made = load.calls.filter((c) => c.kind === 'withdraw');
  return {
    deposits,
    withdrawals: {
      made: made.length,
      completed,
      failed,
      refused: made.filter((c) => c.code === 'INSUFFICIENT_FUNDS').length,
      amount: withdrawn,
      payouts: load.payoutStates,
    },
    jobs: {
      created: load.jobs.length,
      downpaid: load.jobs.filter((j) => j.downpaid).length,
      approved: load.jobs.filter((j) => j.approved).length,
    },
    jobPayments,
    escrow,
    pendingEarnings,
    fees,
    wallets,
  };
}

async function wallet(
  lb: string,
  u: Party,
  problems: string[],
): Promise<{ balance: number; reserved: number; pendingEarnings: number } | undefined> {
  const a = await getJson(`${lb}/api/wallet`, u.token);
  if (a.status === 200)
    return a.body as { balance: number; reserved: number; pendingEarnings: number };
  problems.push(`wallet of ${u.id} answered ${a.status}`);
  return undefined;
}
