import { Body, Controller, Get, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuthedRequest,
  AuthUser,
  CurrentUser,
} from 'src/common/decorators/current-user.decorator';
import { Roles } from 'src/common/decorators/roles.decorator';
import { AppError } from 'src/common/errors/app-error';
import { requestIdOf } from 'src/common/http/request-id';
import { UpdatePlatformSettingsDto } from './platform-settings.dto';
import { PlatformSettingsService } from './platform-settings.service';
import type { PlatformSettingsView } from './platform-settings.types';
import { CommonErrors } from 'src/common/errors/common.errors';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/settings')
export class PlatformSettingsController {
  constructor(private readonly settings: PlatformSettingsService) {}

  @Get()
  @ApiOperation({ summary: 'Platform settings in force (fee, buffer days, withdrawal limits)' })
  get(): Promise<PlatformSettingsView> {
    return this.settings.view();
  }

  @Put()
  @ApiOperation({ summary: 'Change platform settings (applies to new jobs only; audit-logged)' })
  update(
    @Body() dto: UpdatePlatformSettingsDto,
    @CurrentUser() user: AuthUser,
    @Req() req: AuthedRequest,
  ): Promise<PlatformSettingsView> {
    if (Object.values(dto).every((v) => v === undefined))
      throw new AppError(CommonErrors.VALIDATION_FAILED, {
        message: 'Send at least one setting to change',
      });
    return this.settings.update(dto, { id: user.id, requestId: requestIdOf(req) });
  }
}
