import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { setDbPoolSource } from './metrics.registry';

interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/** Exposes the pg pool behind TypeORM (total/idle/waiting connections) to /metrics. */
@Injectable()
export class DbPoolMetrics implements OnModuleInit {
  constructor(private readonly ds: DataSource) {}

  onModuleInit(): void {
    setDbPoolSource(() => {
      const pool = (this.ds.driver as unknown as { master?: PgPoolCounts }).master;
      if (!pool) return undefined;
      return {
        total: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
        max: pool.options?.max ?? 0,
      };
    });
  }
}
