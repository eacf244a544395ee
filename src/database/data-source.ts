import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { buildTypeOrmOptions } from './typeorm-options';

/** DataSource for the TypeORM CLI (`npm run migration:generate`). */
export default new DataSource(buildTypeOrmOptions(loadConfig().database));
