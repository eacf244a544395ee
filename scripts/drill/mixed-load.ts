import { randomUUID } from 'node:crypto';
import { Answer, codeOf, getJson, isTransient, postJson, sleep } from './http';

/**
 * The money work of the drill beside deposits: withdrawals and wallet-funded jobs, each money call
 * under an Idempotency-Key that the client retries as a careful client would. What the client saw is
 * recorded here; reconcile.ts holds the service to it.
 */
export interface Party {
  id: string;
  token: string;
}

/** One money call as the client saw its final answer. */
export interface MoneyCall {
  kind: 'withdraw' | 'downpayment' | 'approve';
  user: string;
  key: string;
  status: number;
  code?: string;
  /** What the call moved out of the user's wallet when it succeeded (centavos). */
  charged: number;
  /** The withdrawal's transaction id (withdraw). */
  transactionId?: string;
  jobId?: string;
}

export interface DrillJob {
  id: string;
  client: string;
  worker: string;
  budget: number;
  platformFee: number;
  downpaymentAmount: number;
  remainingAmount: number;
  downpaid: boolean;
  approved: boolean;
}

const MAX_WITHDRAWALS_PER_USER = 8;

export class MixedLoad {
  readonly calls: MoneyCall[] = [];
  readonly jobs: DrillJob[] = [];
  sameKeyRetries = 0;
  /** The payout state each withdrawal answered (pending, succeeded, review, …). */
  readonly payoutStates: Record<string, number> = {};

  constructor(
    private readonly lb: string,
    private readonly count: (status: number) => void,
    private readonly problems: string[],
    /** How long a client keeps retrying one key: past the idempotency lease of a killed instance. */
    private readonly deadlineMs: number,
  ) {}

  /** ₱100–₱150 to the user's trusted payout account. */
  async withdraw(user: Party, paymentMethodId: string): Promise<void> {
    // The service allows 10 withdrawals a day per user; the drill stays under it.
    const made = this.calls.filter(
      (c) => c.kind === 'withdraw' && c.user === user.id && c.status === 201,
    );
    if (made.length >= MAX_WITHDRAWALS_PER_USER) return;
    const amount = 10_000 + Math.floor(Math.random() * 50) * 100;
    const a = await this.moneyCall('/api/wallet/withdraw', { amount, paymentMethodId }, user);
    if (!a) return;
    const call = this.record('withdraw', user, a, 201);
    if (a.answer.status !== 201) return;
    const body = a.answer.body as { transaction: { id: string; amount: number }; payout: string };
    call.transactionId = body.transaction.id;
    this.payoutStates[body.payout] = (this.payoutStates[body.payout] ?? 0) + 1;
    call.charged = amount;
    if (body.transaction.amount !== amount)
      this.problems.push(
        `withdrawal ${body.transaction.id}: asked ${amount}, answered ${body.transaction.amount}`,
      );
  }

  /** Create a job → wallet downpayment → the worker reports done → wallet approval. */
  async job(client: Party, worker: Party): Promise<void> {
    const budget = 10_000 + Math.floor(Math.random() * 100) * 100;
    // Creating is not a money route (no key): a lost answer only leaves an unpaid job behind.
    const created = await this.untilAnswered(() =>
      postJson(
        `${this.lb}/api/jobs`,
        { title: 'Drill job', budget, workerId: worker.id },
        client.token,
      ),
    );
    if (created?.status !== 201) {
      if (created) this.problems.push(`job create answered ${created.status} ${codeOf(created)}`);
      return;
    }
    const body = created.body as Omit<DrillJob, 'client' | 'worker' | 'downpaid' | 'approved'>;
    const job: DrillJob = {
      id: body.id,
      client: client.id,
      worker: worker.id,
      budget: body.budget,
      platformFee: body.platformFee,
      downpaymentAmount: body.downpaymentAmount,
      remainingAmount: body.remainingAmount,
      downpaid: false,
      approved: false,
    };
    this.jobs.push(job);
    const dp = await this.moneyCall(
      `/api/jobs/${job.id}/downpayment`,
      { method: 'WALLET' },
      client,
    );
    if (!dp) return;
    const dpCall = this.record('downpayment', client, dp, 200, job.id);
    if (dp.answer.status !== 200) return;
    job.downpaid = true;
    dpCall.charged = job.downpaymentAmount + job.platformFee; // the fee is held in escrow too

    const done = await this.untilAnswered(() =>
      postJson(`${this.lb}/api/jobs/${job.id}/complete`, {}, worker.token),
    );
    if (done?.status !== 200) {
      // A lost answer whose retry finds the job already done is the same success.
      const now = await this.untilAnswered(() =>
        getJson(`${this.lb}/api/jobs/${job.id}`, worker.token),
      );
      if ((now?.body as { status?: string } | null)?.status !== 'AWAITING_APPROVAL') {
        this.problems.push(
          `job ${job.id}: complete answered ${done?.status} ${done && codeOf(done)}`,
        );
        return;
      }
    }
    const ap = await this.moneyCall(
      `/api/jobs/${job.id}/approve-completion`,
      { method: 'WALLET' },
      client,
    );
    if (!ap) return;
    const apCall = this.record('approve', client, ap, 200, job.id);
    if (ap.answer.status !== 200) return;
    job.approved = true;
    apCall.charged = job.remainingAmount;
  }

  /**
   * One Idempotency-Key, retried on no answer / 502 / 503 / key in progress until a final answer.
   * Now and then the client sends it once more after the answer (a lost response): the service must
   * answer exactly as before.
   */
  private async moneyCall(
    path: string,
    body: unknown,
    user: Party,
  ): Promise<{ key: string; answer: Answer } | undefined> {
    const key = randomUUID();
    const deadline = Date.now() + this.deadlineMs;
    let first: Answer | undefined;
    while (Date.now() < deadline) {
      const a = await postJson(`${this.lb}${path}`, body, user.token, key);
      this.count(a.status);
      if (isTransient(a)) {
        await sleep(a.retryAfterS ? Math.min(a.retryAfterS, 2) * 1000 : 300);
        continue;
      }
      if (!first) {
        first = a;
        if (Math.random() < 0.3) {
          this.sameKeyRetries++;
          continue;
        }
        return { key, answer: a };
      }
      if (a.status !== first.status || JSON.stringify(a.body) !== JSON.stringify(first.body))
        this.problems.push(
          `${path} key ${key}: retry answered ${a.status} ${JSON.stringify(a.body).slice(0, 200)}, first ${first.status} ${JSON.stringify(first.body).slice(0, 200)}`,
        );
      return { key, answer: first };
    }
    if (first) return { key, answer: first };
    // Unknown outcome: reconciliation cannot know what to expect, so the drill fails loudly.
    this.problems.push(`${path} key ${key}: no final answer within ${this.deadlineMs / 1000} s`);
    return undefined;
  }

  private record(
    kind: MoneyCall['kind'],
    user: Party,
    a: { key: string; answer: Answer },
    success: number,
    jobId?: string,
  ): MoneyCall {
    const call: MoneyCall = {
      kind,
      user: user.id,
      key: a.key,
      status: a.answer.status,
      code: codeOf(a.answer),
      charged: 0,
      jobId,
    };
    this.calls.push(call);
    // A refusal for want of funds is an honest answer (deposits are credited asynchronously).
    if (a.answer.status !== success && call.code !== 'INSUFFICIENT_FUNDS')
      this.problems.push(
        `${kind} answered ${a.answer.status}: ${JSON.stringify(a.answer.body).slice(0, 200)}`,
      );
    return call;
  }

  private async untilAnswered(send: () => Promise<Answer>): Promise<Answer | undefined> {
    const deadline = Date.now() + this.deadlineMs;
    while (Date.now() < deadline) {
      const a = await send();
      this.count(a.status);
      if (!isTransient(a)) return a;
      await sleep(a.retryAfterS ? Math.min(a.retryAfterS, 2) * 1000 : 300);
    }
    this.problems.push(`no final answer within ${this.deadlineMs / 1000} s`);
    return undefined;
  }
}
