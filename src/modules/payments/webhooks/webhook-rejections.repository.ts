import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { PaymentProviderName } from '../providers/payment-provider';
import { newestFirstPage } from './newest-first-page';

export interface WebhookRejectionView {
  id: string;
  provider: PaymentProviderName;
  receivedAt: string;
  sourceIp: string;
  reason: string;
  bodySha256: string;
  bodyBytes: number;
}

interface Row {
  id: string;
  provider: PaymentProviderName;
  received_at: Date;
  source_ip: string;
  reason: string;
  body_sha256: string;
  body_bytes: number;
}

/**
 * Deliveries refused before being stored (bad signature/token, stale timestamp, unparsable body). The
 * body itself is not kept (it is untrusted and may be large): its SHA-256 and size let an admin match
 * it against what the gateway's dashboard shows.
 */
@Injectable()
export class WebhookRejectionsRepository {
  private readonly log = new Logger('WebhookRejections');

  constructor(private readonly ds: DataSource) {}

  /** Best effort: a failure to record never changes the answer the sender gets. */
  async record(r: {
    provider: PaymentProviderName;
    sourceIp: string;
    reason: string;
    body: Buffer;
  }): Promise<void> {
    try {
      await this.ds.query(
        `INSERT INTO webhook_rejections (provider, source_ip, reason, body_sha256, body_bytes)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          r.provider,
          r.sourceIp.slice(0, 64),
          r.reason.slice(0, 200),
          createHash('sha256').update(r.body).digest('hex'),
          r.body.length,
        ],
      );
    } catch (err) {
      this.log.warn(`could not record a rejected ${r.provider} webhook: ${String(err)}`);
    }
  }

  /** Newest first; cursor = id of the last item of the previous page. */
  async list(q: {
    provider?: string;
    limit: number;
    cursor?: string;
  }): Promise<{ data: WebhookRejectionView[]; nextCursor: string | null }> {
    const { rows, nextCursor } = await newestFirstPage<Row>(
      this.ds,
      'webhook_rejections',
      q.provider ? [['provider', q.provider]] : [],
      q,
    );
    return {
      data: rows.map((r) => ({
        id: r.id,
        provider: r.provider,
        receivedAt: r.received_at.toISOString(),
        sourceIp: r.source_ip,
        reason: r.reason,
        bodySha256: r.body_sha256,
        bodyBytes: r.body_bytes,
      })),
      nextCursor,
    };
  }
}
