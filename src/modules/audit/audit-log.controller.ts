import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from 'src/common/decorators/roles.decorator';
import { AuditLogQueryDto } from './audit-log.query.dto';
import { AuditLogService } from './audit-log.service';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @ApiOperation({ summary: 'Admin/operator actions, newest first (append-only)' })
  list(@Query() q: AuditLogQueryDto) {
    return this.audit.list({ ...q, limit: q.limit ?? 50 });
  }
}
