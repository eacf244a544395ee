/** The admin-editable business knobs. Money in centavos, the fee in basis points (1000 = 10 %). */
export interface PlatformSettings {
  platformFeeBps: number;
  paymentBufferDays: number;
  withdrawalMinAmount: number;
  withdrawalDailyMaxCount: number;
  withdrawalDailyMaxAmount: number;
}

export interface PlatformSettingsView extends PlatformSettings {
  /** The fee as a percentage for display (platformFeeBps / 100); informational only. */
  platformFeePercent: number;
  currency: 'PHP';
  /** True until an admin saves settings for the first time (defaults are being served). */
  isDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export const DEFAULT_PLATFORM_FEE_BPS = 1000;
export const DEFAULT_WITHDRAWAL_MIN_AMOUNT = 10_000;
export const DEFAULT_WITHDRAWAL_DAILY_MAX_COUNT = 10;
export const DEFAULT_WITHDRAWAL_DAILY_MAX_AMOUNT = 10_000_000;

/** Bounds shared by the DTO validation and the database CHECKs. */
export const SETTINGS_BOUNDS = {
  platformFeeBps: { min: 0, max: 5000 },
  paymentBufferDays: { min: 0, max: 365 },
  withdrawalMinAmount: { min: 10_000, max: 100_000_000_000 },
  withdrawalDailyMaxCount: { min: 1, max: 1000 },
  withdrawalDailyMaxAmount: { min: 10_000, max: 100_000_000_000 },
} as const;
