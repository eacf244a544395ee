/** Injection token of the typed `AppConfig` (inject with `@Inject(APP_CONFIG) cfg: AppConfig`). */
export const APP_CONFIG = Symbol('APP_CONFIG');
