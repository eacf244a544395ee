import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { type AppConfig, ConfigError } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { REQUEST_IDENTITY, RequestIdentity } from 'src/common/rate-limit/request-identity';
import { verifiedCaller } from './jwt-auth.guard';
import { SessionsService } from './sessions.service';
import { TokenService } from './token.service';

@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (cfg: AppConfig) => {
        // A KeyObject instead of a string: jsonwebtoken otherwise re-derives the key on every verify.
        // loadConfig({server: true}) already refused to start without one; this keeps the type honest.
        if (!cfg.auth.jwtSecret) throw new ConfigError(['JWT_SECRET: required']);
        const key = createSecretKey(Buffer.from(cfg.auth.jwtSecret, 'utf8'));
        return {
          privateKey: key,
          publicKey: key,
          signOptions: { algorithm: 'HS256', expiresIn: cfg.auth.accessTtlSeconds },
          verifyOptions: { algorithms: ['HS256'] },
        };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    SessionsService,
    {
      provide: REQUEST_IDENTITY,
      inject: [TokenService],
      useFactory:
        (tokens: TokenService): RequestIdentity =>
        (req) =>
          verifiedCaller(req, tokens),
    },
  ],
  exports: [TokenService, SessionsService, REQUEST_IDENTITY],
})
export class AuthModule {}
