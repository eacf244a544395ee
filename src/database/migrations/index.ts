import { CreateUsers1764100000000 } from './1764100000000-CreateUsers';
import { CreateAuditAndScheduling1764150000000 } from './1764150000000-CreateAuditAndScheduling';

/** Every migration, in order. Append new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [CreateUsers1764100000000, CreateAuditAndScheduling1764150000000];
