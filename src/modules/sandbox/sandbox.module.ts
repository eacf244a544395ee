import { Module } from '@nestjs/common';
import { CheckoutPageController } from './checkout-page.controller';
import { PaymongoSandboxController } from './paymongo-sandbox.controller';
import { SandboxControlController } from './sandbox-control.controller';
import { SandboxGatewayService } from './sandbox-gateway.service';
import { SandboxRefundsService } from './sandbox-refunds.service';
import { SandboxStore } from './sandbox.store';
import { SandboxWebhookDispatcher } from './sandbox-webhook.dispatcher';
import { XenditSandboxController } from './xendit-sandbox.controller';

/**
 * In-process imitation of PayMongo and Xendit for local mode, demos and tests. Never imported when
 * NODE_ENV=production (see app.module.ts), and silent (404) unless the adapters point at it.
 */
@Module({
  controllers: [
    PaymongoSandboxController,
    XenditSandboxController,
    CheckoutPageController,
    SandboxControlController,
  ],
  providers: [SandboxStore, SandboxWebhookDispatcher, SandboxGatewayService, SandboxRefundsService],
})
export class SandboxModule {}
