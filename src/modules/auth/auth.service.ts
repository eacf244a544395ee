import { Injectable } from '@nestjs/common';
import { AppError } from 'src/common/errors/app-error';
import { Timed } from 'src/common/metrics/timed.decorator';
import type { AuthUser } from 'src/common/decorators/current-user.decorator';
import { toUserResponse, UserResponse } from '../users/user.model';
import { hashPassword, verifyPassword } from '../users/password';
import { UsersService } from '../users/users.service';
import type { LoginDto, RegisterDto } from './dto/auth.dto';
import { TokenPair, TokenService } from './token.service';
import { AuthErrors } from './auth.errors';
import { CommonErrors } from 'src/common/errors/common.errors';

export interface AuthResult extends TokenPair {
  user: UserResponse;
}

@Injectable()
export class AuthService {
  // Verifying against a real hash when the email is unknown keeps both failures equally slow.
  private dummyHash?: Promise<string>;

  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {}

  @Timed('auth.register')
  async register(dto: RegisterDto): Promise<AuthResult> {
    const user = await this.users.create(dto);
    return { user: toUserResponse(user), ...(await this.tokens.issue(user)) };
  }

  @Timed('auth.login')
  async login(dto: LoginDto): Promise<AuthResult> {
    const user = await this.users.findByEmailWithHash(dto.email);
    this.dummyHash ??= hashPassword(`unknown-account-${Date.now()}`);
    const ok = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), dto.password);
    if (!user || !ok) throw new AppError(AuthErrors.INVALID_CREDENTIALS);
    if (user.disabledAt) throw new AppError(AuthErrors.ACCOUNT_DISABLED);
    return { user: toUserResponse(user), ...(await this.tokens.issue(user)) };
  }

  @Timed('auth.refresh')
  async refresh(refreshToken: string | undefined): Promise<AuthResult> {
    if (!refreshToken)
      throw new AppError(AuthErrors.INVALID_REFRESH_TOKEN, { message: 'Refresh token is missing' });
    const { userId, familyId } = await this.tokens.rotate(refreshToken);
    const user = await this.users.findById(userId);
    if (!user || user.disabledAt) throw new AppError(AuthErrors.INVALID_REFRESH_TOKEN);
    return { user: toUserResponse(user), ...(await this.tokens.issue(user, familyId)) };
  }

  /** Ends the caller's session (its access and refresh tokens), with or without a refresh token. */
  async logout(user: AuthUser, refreshToken: string | undefined): Promise<void> {
    await this.tokens.revoke(user, refreshToken);
  }

  async me(userId: string): Promise<UserResponse> {
    const user = await this.users.findProfileById(userId);
    if (!user)
      throw new AppError(CommonErrors.UNAUTHORIZED, { message: 'Account no longer exists' });
    return user;
  }
}
