import { Module } from '@nestjs/common';
import { LedgerAuditService } from './ledger-audit.service';
import { LedgerChainService } from './ledger-chain.service';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

/** The double-entry ledger. Other modules use LedgerService (and LedgerAuditService for checks). */
@Module({
  providers: [LedgerRepository, LedgerService, LedgerAuditService, LedgerChainService],
  exports: [LedgerService, LedgerAuditService, LedgerChainService],
})
export class LedgerModule {}
