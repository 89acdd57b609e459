import { DataSource, EntityManager } from 'typeorm';
import { ConflictError, DomainError } from '../common/errors';

/** Unique violations, serialization failures and deadlocks are races lost to a concurrent change. */
function isRaceLost(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23505' || code === '40001' || code === '40P01';
}

/** One transaction; a race lost at the database (unique key, serialization, deadlock) becomes CONFLICT naming `what`. */
export async function inTransaction<T>(dataSource: DataSource, what: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await dataSource.transaction(work);
  } catch (error) {
    if (!(error instanceof DomainError) && isRaceLost(error)) {
      throw new ConflictError(`${what} lost a race with a concurrent change; reload and retry`);
    }
    throw error;
  }
}
