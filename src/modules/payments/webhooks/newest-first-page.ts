import type { DataSource } from 'typeorm';
import { isUuid } from 'src/common/ids/uuid';
import { AppError } from 'src/common/errors/app-error';
import { CommonErrors } from 'src/common/errors/common.errors';

/**
 * One page of a webhook table, newest first by (received_at, id); the cursor is the id of the last
 * row of the previous page. `filters` are `column = value` equalities (columns are ours, never input).
 */
export async function newestFirstPage<R extends { id: string }>(
  ds: DataSource,
  table: 'webhook_events' | 'webhook_rejections',
  filters: Array<[column: string, value: unknown]>,
  q: { limit: number; cursor?: string },
): Promise<{ rows: R[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of filters) {
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  if (q.cursor) {
    if (!isUuid(q.cursor))
      throw new AppError(CommonErrors.INVALID_CURSOR, { message: 'cursor is not valid' });
    params.push(q.cursor);
    where.push(
      `(received_at, id) < (SELECT received_at, id FROM ${table} WHERE id = $${params.length})`,
    );
  }
  params.push(q.limit + 1);
  const rows = await ds.query<R[]>(
    `SELECT * FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY received_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  return { rows: page, nextCursor: rows.length > q.limit ? page[page.length - 1].id : null };
}
