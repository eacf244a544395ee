import type { CreatePendingInput } from './transaction.model';

/**
 * One INSERT for one or more transaction rows. With a ledger entry the rows are written COMPLETED
 * (completed now, naming the entry): the same committed rows as PENDING + complete in one transaction,
 * without the second round trip per row.
 */
export function insertTransactionsSql(
  inputs: readonly CreatePendingInput[],
  ledgerEntryId: string | null,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const status = ledgerEntryId === null ? `'PENDING'` : `'COMPLETED'`;
  const completion = ledgerEntryId === null ? 'NULL, NULL' : `now(), $1`;
  if (ledgerEntryId !== null) params.push(ledgerEntryId);
  const rows = inputs.map((input) => {
    const values = [
      input.userId,
      input.type,
      input.amount,
      input.currency ?? 'PHP',
      input.provider ?? null,
      input.description ?? null,
      input.reference ?? null,
      input.paymentMethodId ?? null,
      input.jobId ?? null,
      JSON.stringify(input.metadata ?? {}),
      input.releaseAt ?? null,
    ];
    const marks = values.map((v) => {
      params.push(v);
      return `$${params.length}`;
    });
    return `(${marks[0]}, ${marks[1]}, ${status}, ${marks.slice(2).join(', ')}, ${completion})`;
  });
  return {
    sql: `INSERT INTO transactions (user_id, type, status, amount, currency, provider, description,
                                    reference, payment_method_id, job_id, metadata, release_at,
                                    completed_at, ledger_entry_id)
          VALUES ${rows.join(', ')} RETURNING *`,
    params,
  };
}
