import { CreateUsers1764100000000 } from './1764100000000-CreateUsers';
import { CreateAuditAndScheduling1764150000000 } from './1764150000000-CreateAuditAndScheduling';
import { CreateLedger1764200000000 } from './1764200000000-CreateLedger';
import { CreateTransactions1764200000001 } from './1764200000001-CreateTransactions';
import { CreateIdempotencyKeys1764200000002 } from './1764200000002-CreateIdempotencyKeys';
import { CreateWebhookEvents1764400000000 } from './1764400000000-CreateWebhookEvents';
import { CreatePaymentMethods1764400000001 } from './1764400000001-CreatePaymentMethods';
import { CreatePlatformSettings1764500000000 } from './1764500000000-CreatePlatformSettings';
import { CreateJobs1764500001000 } from './1764500001000-CreateJobs';
import { AddJobPaymentLinks1764500002000 } from './1764500002000-AddJobPaymentLinks';
import { AddIdempotencyEffects1764600000000 } from './1764600000000-AddIdempotencyEffects';
import { CreateAuthSessions1764620000000 } from './1764620000000-CreateAuthSessions';
import { CreateWebhookRejections1764640000000 } from './1764640000000-CreateWebhookRejections';
import { AddReversedWithdrawals1764640000001 } from './1764640000001-AddReversedWithdrawals';
import { AddRefundIndexes1764650000000 } from './1764650000000-AddRefundIndexes';
import { CreateSandboxTables1764700000000 } from './1764700000000-CreateSandboxTables';
import { ApplyLedgerSql1764730000000 } from './1764730000000-ApplyLedgerSql';
import { CheckTransactionProvider1764760000000 } from './1764760000000-CheckTransactionProvider';
import { ApplyJobDownpaymentSql1764780000000 } from './1764780000000-ApplyJobDownpaymentSql';

/** Every migration, in order. Append new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [
  CreateUsers1764100000000,
  CreateAuditAndScheduling1764150000000,
  CreateLedger1764200000000,
  CreateTransactions1764200000001,
  CreateIdempotencyKeys1764200000002,
  CreateWebhookEvents1764400000000,
  CreatePaymentMethods1764400000001,
  CreatePlatformSettings1764500000000,
  CreateJobs1764500001000,
  AddJobPaymentLinks1764500002000,
  AddIdempotencyEffects1764600000000,
  CreateAuthSessions1764620000000,
  CreateWebhookRejections1764640000000,
  AddReversedWithdrawals1764640000001,
  AddRefundIndexes1764650000000,
  CreateSandboxTables1764700000000,
  ApplyLedgerSql1764730000000,
  CheckTransactionProvider1764760000000,
  ApplyJobDownpaymentSql1764780000000,
];
