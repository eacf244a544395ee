export const ROLES_ALL = ['CLIENT', 'WORKER', 'AGENCY', 'ADMIN'] as const;
export type Role = (typeof ROLES_ALL)[number];
/** Roles a person may pick at sign-up; ADMIN is created only by the operator command. */
export const SELF_SERVICE_ROLES = ['CLIENT', 'WORKER', 'AGENCY'] as const;
