import { DataSource } from 'typeorm';
import { Config } from '../config/config';
import { buildDataSource, EntityList } from './data-source';
import { EmbeddedDatabase, startEmbeddedDatabase } from './embedded-database';
import { ensureDatabase } from './ensure-database';
import { connectionIsPrivileged, embeddedServicePassword, enableServiceLogin } from './service-role';

export const EMBEDDED_DATABASE_NAME = 'ccc_policy';

/** Advisory lock key held while migrating. */
const MIGRATION_LOCK = 7_412_001;

export interface Database {
  dataSource: DataSource;
  url: string;
  embedded: EmbeddedDatabase | null;
  /** The role the data source connects as; privileged when it could undo the log's protections (docs/deployment.md). */
  role: { name: string; privileged: boolean };
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded server, and applies pending migrations
 * as the owner (MIGRATION_DATABASE_URL when given, else the embedded superuser, else
 * DATABASE_URL); the service's data source connects as DATABASE_URL, or, embedded, as
 * ccc_service (docs/deployment.md).
 */
export async function openDatabase(config: Config, entities: EntityList, log: (line: string) => void): Promise<Database> {
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  let migrationUrl = config.migrationDatabaseUrl ?? url;
  if (!url) {
    embedded = await startEmbeddedDatabase(config.dataDir, (line) => log(`postgres: ${line}`));
    migrationUrl = await ensureDatabase(embedded.url, EMBEDDED_DATABASE_NAME);
  }
  let dataSource: DataSource | null = null;
  try {
    // Two connections: migrate() holds one for its advisory lock while the migrations run on the other.
    const owner = buildDataSource(migrationUrl!, entities, { size: 2, connectTimeoutMs: config.databaseConnectTimeoutMs });
    await owner.initialize();
    try {
      await migrate(owner);
    } finally {
      await owner.destroy();
    }
    if (embedded) url = await enableServiceLogin(migrationUrl!, embeddedServicePassword(config.dataDir));
    dataSource = buildDataSource(url!, entities, { connectTimeoutMs: config.databaseConnectTimeoutMs });
    await dataSource.initialize();
  } catch (error) {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  const role = await connectionIsPrivileged(dataSource);
  const opened = dataSource;
  return {
    dataSource: opened,
    url: url!,
    embedded,
    role: { name: role.role, privileged: role.privileged },
    async close() {
      if (opened.isInitialized) await opened.destroy();
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
