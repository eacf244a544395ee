import { Module } from '@nestjs/common';
import { CheckoutPageController } from './checkout-page.controller';
import { PaymongoSandboxController } from './paymongo/paymongo-sandbox.controller';
import { SandboxControlController } from './sandbox-control.controller';
import { SandboxCheckoutsService } from './sandbox-checkouts.service';
import { SandboxGatewayService } from './sandbox-gateway.service';
import { SandboxPayoutsService } from './sandbox-payouts.service';
import { SandboxRecords } from './sandbox-records';
import { SandboxRefundsService } from './sandbox-refunds.service';
import { SandboxStore } from './sandbox.store';
import { SandboxWebhookDispatcher } from './sandbox-webhook.dispatcher';
import { XenditSandboxController } from './xendit/xendit-sandbox.controller';

/**
 * In-process imitation of PayMongo and Xendit for local mode, demos and tests; its records are in
 * the database (sandbox_* tables, ADR 0095), its test knobs in memory. Never imported when
 * NODE_ENV=production (see app.module.ts), and silent (404) unless the adapters point at it.
 */
@Module({
  controllers: [
    PaymongoSandboxController,
    XenditSandboxController,
    CheckoutPageController,
    SandboxControlController,
  ],
  providers: [
    SandboxStore,
    SandboxRecords,
    SandboxWebhookDispatcher,
    SandboxGatewayService,
    SandboxCheckoutsService,
    SandboxPayoutsService,
    SandboxRefundsService,
  ],
})
export class SandboxModule {}
