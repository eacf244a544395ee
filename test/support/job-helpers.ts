import request from 'supertest';
import { bearer, TestUser } from './auth-helpers';

export interface JobBody {
  id: string;
  status: string;
  clientId: string;
  workerId: string;
  budget: number;
  platformFee: number;
  downpaymentAmount: number;
  remainingAmount: number;
  [k: string]: unknown;
}

export async function createJob(
  url: string,
  client: TestUser,
  worker: TestUser,
  budget = 100_000,
  title = 'Fix the sink',
): Promise<JobBody> {
  const res = await request(url)
    .post('/api/jobs')
    .set(bearer(client))
    .send({ title, budget, workerId: worker.id })
    .expect(201);
  return res.body as JobBody;
}
