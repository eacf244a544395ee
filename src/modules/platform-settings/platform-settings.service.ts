import { UnitOfWork } from 'src/common/database/unit-of-work';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from 'src/common/errors/app-error';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { AuditLogService } from '../audit/audit-log.service';
import {
  DEFAULT_PLATFORM_FEE_BPS,
  DEFAULT_WITHDRAWAL_DAILY_MAX_AMOUNT,
  DEFAULT_WITHDRAWAL_DAILY_MAX_COUNT,
  DEFAULT_WITHDRAWAL_MIN_AMOUNT,
  PlatformSettings,
  PlatformSettingsView,
} from './platform-settings.types';
import { PlatformSettingsErrors } from './platform-settings.errors';

interface SettingsRow {
  platform_fee_bps: number;
  payment_buffer_days: number;
  withdrawal_min_amount: string;
  withdrawal_daily_max_count: number;
  withdrawal_daily_max_amount: string;
  updated_at: Date;
  updated_by: string | null;
}

export interface SettingsActor {
  id: string;
  requestId?: string;
}

/**
 * Platform settings live in one database row so every instance sees the same values at once; they are
 * read fresh for each use (one indexed row) and snapshotted onto a job when it is created, so a change
 * applies to new jobs only.
 */
@Injectable()
export class PlatformSettingsService {
  constructor(
    private readonly ds: DataSource,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditLogService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  /** The values in force, read in the caller's transaction when one is given. */
  async current(manager?: EntityManager): Promise<PlatformSettings> {
    return strip(await this.view(manager));
  }

  async view(manager?: EntityManager): Promise<PlatformSettingsView> {
    const rows = await (manager ?? this.ds.manager).query<SettingsRow[]>(
      `SELECT * FROM platform_settings WHERE id = 1`,
    );
    return rows[0] ? toView(rows[0]) : this.defaults();
  }

  /** Applies a partial change under a row lock, audit-logged in the same transaction. */
  async update(
    patch: Partial<PlatformSettings>,
    actor: SettingsActor,
  ): Promise<PlatformSettingsView> {
    return this.uow.run('platform-settings.update', async (m) => {
      const d = this.defaults();
      // Create the row from the defaults on first save, then lock it: concurrent saves serialise.
      await m.query(
        `INSERT INTO platform_settings (id, platform_fee_bps, payment_buffer_days, withdrawal_min_amount,
           withdrawal_daily_max_count, withdrawal_daily_max_amount)
         VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
        [
          d.platformFeeBps,
          d.paymentBufferDays,
          d.withdrawalMinAmount,
          d.withdrawalDailyMaxCount,
          d.withdrawalDailyMaxAmount,
        ],
      );
      const [locked] = await m.query<SettingsRow[]>(
        `SELECT * FROM platform_settings WHERE id = 1 FOR UPDATE`,
      );
      // On the first save the row was just created from the defaults, which were in force until now.
      const before = strip(toView(locked));
      const next: PlatformSettings = { ...before, ...definedOnly(patch) };
      if (next.withdrawalDailyMaxAmount < next.withdrawalMinAmount)
        throw new AppError(PlatformSettingsErrors.INVALID_SETTINGS, {
          message: 'withdrawalDailyMaxAmount must be at least withdrawalMinAmount',
        });
      const [updated] = await m.query<[SettingsRow[], number]>(
        `UPDATE platform_settings SET platform_fee_bps = $1, payment_buffer_days = $2,
           withdrawal_min_amount = $3, withdrawal_daily_max_count = $4, withdrawal_daily_max_amount = $5,
           updated_at = now(), updated_by = $6
         WHERE id = 1 RETURNING *`,
        [
          next.platformFeeBps,
          next.paymentBufferDays,
          next.withdrawalMinAmount,
          next.withdrawalDailyMaxCount,
          next.withdrawalDailyMaxAmount,
          actor.id,
        ],
      );
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'platform_settings.update',
          targetType: 'platform_settings',
          targetId: 'platform',
          before,
          after: next,
          requestId: actor.requestId ?? null,
        },
        m,
      );
      return toView(updated[0]);
    });
  }

  private defaults(): PlatformSettingsView {
    return {
      platformFeeBps: DEFAULT_PLATFORM_FEE_BPS,
      platformFeePercent: DEFAULT_PLATFORM_FEE_BPS / 100,
      paymentBufferDays: this.cfg.business.paymentBufferDays,
      withdrawalMinAmount: DEFAULT_WITHDRAWAL_MIN_AMOUNT,
      withdrawalDailyMaxCount: DEFAULT_WITHDRAWAL_DAILY_MAX_COUNT,
      withdrawalDailyMaxAmount: DEFAULT_WITHDRAWAL_DAILY_MAX_AMOUNT,
      currency: 'PHP',
      isDefault: true,
      updatedAt: null,
      updatedBy: null,
    };
  }
}

function toView(r: SettingsRow): PlatformSettingsView {
  return {
    platformFeeBps: r.platform_fee_bps,
    platformFeePercent: r.platform_fee_bps / 100,
    paymentBufferDays: r.payment_buffer_days,
    withdrawalMinAmount: Number(r.withdrawal_min_amount),
    withdrawalDailyMaxCount: r.withdrawal_daily_max_count,
    withdrawalDailyMaxAmount: Number(r.withdrawal_daily_max_amount),
    currency: 'PHP',
    isDefault: false,
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by,
  };
}

function strip(v: PlatformSettingsView): PlatformSettings {
  return {
    platformFeeBps: v.platformFeeBps,
    paymentBufferDays: v.paymentBufferDays,
    withdrawalMinAmount: v.withdrawalMinAmount,
    withdrawalDailyMaxCount: v.withdrawalDailyMaxCount,
    withdrawalDailyMaxAmount: v.withdrawalDailyMaxAmount,
  };
}

function definedOnly(patch: Partial<PlatformSettings>): Partial<PlatformSettings> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}
