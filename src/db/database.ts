import { DataSource } from 'typeorm';
import { Config } from '../config/config';
import { buildDataSource, EntityList } from './data-source';
import { EmbeddedDatabase, startEmbeddedDatabase } from './embedded-database';
import { ensureDatabase } from './ensure-database';

export const EMBEDDED_DATABASE_NAME = 'ccc_policy';

/** Advisory lock key held while migrating. */
const MIGRATION_LOCK = 7_412_001;

export interface Database {
  dataSource: DataSource;
  url: string;
  embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded server, then applies pending migrations. */
export async function openDatabase(config: Config, entities: EntityList, log: (line: string) => void): Promise<Database> {
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedDatabase(config.dataDir, (line) => log(`postgres: ${line}`));
    url = await ensureDatabase(embedded.url, EMBEDDED_DATABASE_NAME);
  }
  const dataSource = buildDataSource(url, entities);
  try {
    await dataSource.initialize();
    await migrate(dataSource);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    url,
    embedded,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/** How many migrations the database has applied, and how many this code knows. */
export async function migrationState(dataSource: DataSource): Promise<{ applied: number; expected: number }> {
  const [{ applied }]: { applied: number }[] = await dataSource.query('SELECT count(*)::int AS applied FROM migrations');
  return { applied, expected: dataSource.migrations.length };
}

/** The names of the applied migrations, oldest first. */
export async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query('SELECT name FROM migrations ORDER BY id');
  return rows.map((row) => row.name);
}

/**
 * Applies pending migrations while holding a session advisory lock on a connection of its
 * own, so several processes starting at once against one database migrate one at a time.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
