import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from 'src/common/http/api-docs';
import { AuthResultDto, UserResponseDto } from './dto/auth-responses.dto';
import type { Request, Response } from 'express';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { AuthUser, CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Public } from 'src/common/decorators/public.decorator';
import { RateLimit, RateLimitAlsoBy } from 'src/common/rate-limit/rate-limit.decorator';
import { clearAuthCookies, REFRESH_COOKIE, setAuthCookies } from './auth-cookies';
import { AuthResult, AuthService } from './auth.service';
import { LoginDto, RefreshDto, RegisterDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  @Public()
  @RateLimit('auth')
  @Post('register')
  @ApiOperation({ summary: 'Create a CLIENT, WORKER or AGENCY account' })
  @ApiCreatedResponse({ type: AuthResultDto, description: 'Also sets `access`/`refresh` cookies' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'EMAIL_TAKEN' })
  async register(
    @Body() dto: RegisterDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuthResult> {
    return this.withCookies(res, await this.auth.register(dto));
  }

  @Public()
  @RateLimit('auth')
  @RateLimitAlsoBy('email')
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: AuthResultDto, description: 'Also sets `access`/`refresh` cookies' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Wrong email or password' })
  async login(
    @Body() dto: LoginDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuthResult> {
    return this.withCookies(res, await this.auth.login(dto));
  }

  @Public()
  @RateLimit('auth')
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the refresh token (body or `refresh` cookie) for a new pair' })
  @ApiOkResponse({ type: AuthResultDto })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'Unknown, expired or reused refresh token (reuse revokes the whole family)',
  })
  async refresh(
    @Body() dto: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuthResult> {
    const token = dto.refreshToken ?? cookie(req, REFRESH_COOKIE);
    return this.withCookies(res, await this.auth.refresh(token));
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      "End the caller's session (its access and refresh tokens; also the family of a refresh token given) and clear cookies",
  })
  @ApiNoContentResponse({ description: 'Logged out' })
  async logout(
    @CurrentUser() user: AuthUser,
    @Body() dto: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logout(user, dto.refreshToken ?? cookie(req, REFRESH_COOKIE));
    clearAuthCookies(res, this.cfg);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in account' })
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentUser() user: AuthUser) {
    return this.auth.me(user.id);
  }

  private withCookies(res: Response, result: AuthResult): AuthResult {
    setAuthCookies(res, this.cfg, result);
    return result;
  }
}

function cookie(req: Request, name: string): string | undefined {
  const cookies = req.cookies as Record<string, string | undefined> | undefined;
  return cookies?.[name];
}
