import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The platform-settings errors: code → HTTP status and default message (see error-catalogue.ts). */
export const PlatformSettingsErrors = errorCatalogue({
  INVALID_SETTINGS: { status: HttpStatus.BAD_REQUEST, message: 'The settings are not valid' },
});
