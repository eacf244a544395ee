import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * The `pg` pool under TypeORM's data source: hot statements go to it as named prepared statements
 * (planned once per connection), without the ORM's query path. Same connections, same pool limits.
 */
export function pgPoolOf(ds: DataSource): Pool {
  return (ds.driver as PostgresDriver).master as Pool;
}
