import { DataSource } from 'typeorm';
import { Config } from '../config/config';
import { buildDataSource, PoolOptions } from '../db/data-source';
import { Database, openDatabase } from '../db/database';
import { entities } from './entities';

/** The service's data source: PostgreSQL at `url` with every entity and migration. */
export function createDataSource(url: string, pool: PoolOptions = {}): DataSource {
  return buildDataSource(url, entities, pool);
}

/** The embedded server or DATABASE_URL, migrated, with the service's data source. */
export function openPolicyDatabase(config: Config, log: (line: string) => void): Promise<Database> {
  return openDatabase(config, entities, log);
}
