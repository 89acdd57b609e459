import 'reflect-metadata';
import { createLogger } from '../common/logger';
import { loadConfig } from '../config/config';
import { openPolicyDatabase } from '../composition/data-source';
import { appliedMigrations } from '../db/database';
import { EXIT } from './args';
import { runAsMain } from './cli-main';

export const MIGRATE_HELP = `usage: npm run migrate [-- --help]
Applies pending migrations (the server also does so at start) and lists every migration applied.
It takes no arguments.

example:
  DATABASE_URL=postgres://user:password@db.example:5432/policy npm run migrate

Exit 0 when the database is up to date, 1 when it cannot be reached or a migration fails, 2 for usage errors.
Database: DATABASE_URL, or the embedded database under DATA_DIR.`;

/** Runs the command line; returns the process exit code. */
export async function runMigrateCli(argv: string[], io: { out(line: string): void; err(line: string): void }): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help')) {
    io.out(MIGRATE_HELP);
    return EXIT.ok;
  }
  if (argv.length > 0) {
    io.err(`migrate takes no arguments, got "${argv[0]}"\nrun "npm run migrate -- --help" for usage`);
    return EXIT.usage;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openPolicyDatabase(config, (line) => logger.debug(line));
  try {
    const applied = await appliedMigrations(database.dataSource);
    io.out(`migrations applied (${applied.length}):\n${applied.map((name) => `  ${name}`).join('\n')}`);
    return EXIT.ok;
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  runAsMain('migrate', (argv) => runMigrateCli(argv, { out: (line) => console.log(line), err: (line) => console.error(line) }));
}
