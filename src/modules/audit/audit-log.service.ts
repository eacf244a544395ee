import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface AuditRecord {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
  metadata?: Record<string, unknown>;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  metadata: Record<string, unknown> | null;
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  limit: number;
  cursor?: string;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  metadata: Record<string, unknown> | null;
}

/** The append-only audit trail of admin and operator actions (who, what, target, before/after, when). */
@Injectable()
export class AuditLogService {
  constructor(private readonly ds: DataSource) {}

  /** Pass the caller's manager so the record commits (or rolls back) with the action it describes. */
  async record(r: AuditRecord, manager?: EntityManager): Promise<void> {
    await (manager ?? this.ds.manager).query(
      `INSERT INTO audit_log (actor_id, action, target_type, target_id, before, after, request_id, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        r.actorId,
        r.action,
        r.targetType,
        r.targetId ?? null,
        r.before === undefined ? null : JSON.stringify(r.before),
        r.after === undefined ? null : JSON.stringify(r.after),
        r.requestId ?? null,
        r.metadata ? JSON.stringify(r.metadata) : null,
      ],
    );
  }

  /** Newest first; `cursor` is the id of the last entry of the previous page. */
  async list(q: AuditQuery): Promise<{ data: AuditEntry[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.actorId) add('actor_id = ?', q.actorId);
    if (q.action) add('action = ?', q.action);
    if (q.targetType) add('target_type = ?', q.targetType);
    if (q.targetId) add('target_id = ?', q.targetId);
    if (q.cursor) add('id < ?', q.cursor);
    params.push(q.limit + 1);
    const rows = await this.ds.query<AuditRow[]>(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, q.limit);
    return {
      data: page.map((r) => ({
        id: String(r.id),
        at: r.at.toISOString(),
        actorId: r.actor_id,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        before: r.before,
        after: r.after,
        requestId: r.request_id,
        metadata: r.metadata,
      })),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1].id) : null,
    };
  }
}
