/**
 * An embedded PostgreSQL that cannot start: what went wrong and what to do about it,
 * printed as one message without a stack trace.
 */
export class EmbeddedDatabaseError extends Error {
  constructor(
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`embedded PostgreSQL: ${problem}. Fix: ${fix}.`);
    this.name = 'EmbeddedDatabaseError';
  }
}

/** What PostgreSQL's own messages say went wrong, for the cases a person can fix. */
export function explainPostgresFailure(output: string, context: { dataDir: string; port: number; major: number; step: string }): EmbeddedDatabaseError {
  const lastLine = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .filter((line) => /FATAL|ERROR|error|could not|No space/i.test(line))
    .pop();
  if (/No space left on device|could not extend file|disk full/i.test(output)) {
    return new EmbeddedDatabaseError(
      `the disk holding ${context.dataDir} is full (${context.step} failed)`,
      `free disk space there, or set DATA_DIR to a directory on a disk with room`,
    );
  }
  if (/could not bind|Address already in use/i.test(output)) {
    return new EmbeddedDatabaseError(
      `port ${context.port} is already in use by another program`,
      `stop that program, or start without a fixed port for the embedded database`,
    );
  }
  if (/lock file "postmaster\.pid" already exists/i.test(output)) {
    return new EmbeddedDatabaseError(
      `another PostgreSQL process holds the lock on ${context.dataDir}`,
      `stop that process; if none is running, remove ${context.dataDir}/postmaster.pid`,
    );
  }
  if (/incompatible with server|initialized by PG_VERSION|was initialized by/i.test(output)) {
    return new EmbeddedDatabaseError(
      `${context.dataDir} was created by a different PostgreSQL major version (these binaries are ${context.major})`,
      `point DATA_DIR at a new directory, or dump the data with that version's pg_dump and restore it`,
    );
  }
  if (/Permission denied/i.test(output)) {
    return new EmbeddedDatabaseError(
      `PostgreSQL was denied access during ${context.step} (${lastLine ?? 'permission denied'})`,
      `make ${context.dataDir} and its parents reachable by the PostgreSQL user, or set DATA_DIR`,
    );
  }
  return new EmbeddedDatabaseError(
    `${context.step} failed${lastLine ? `: ${lastLine}` : ''}`,
    `see the PostgreSQL messages above (LOG_LEVEL=debug shows them all), or set DATABASE_URL to a PostgreSQL server`,
  );
}
