import { DataSource, DataSourceOptions } from 'typeorm';
import type { Pool } from 'pg';
import { migrations } from '../../migrations';

/** Entity classes (or schemas), as TypeORM takes them. */
export type EntityList = NonNullable<DataSourceOptions['entities']>;

/** How many connections a data source pools, and how long a query may wait for one (DATABASE_CONNECT_TIMEOUT_MS). */
export interface PoolOptions {
  size?: number;
  connectTimeoutMs?: number;
}

/** A TypeORM data source over PostgreSQL with the project's migrations; the entity list comes from the composition root. */
export function buildDataSource(url: string, entities: EntityList, pool: PoolOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: pool.size ?? 20, connectionTimeoutMillis: pool.connectTimeoutMs ?? 5000, application_name: 'ccc-policy' },
  });
}

/**
 * The pg pool behind TypeORM's postgres driver (its public `master` property). The hot
 * paths (decision log, standing reads) query it directly, skipping the query runner; this is
 * the one place that knows where it is.
 */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
