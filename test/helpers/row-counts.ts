import { DataSource } from 'typeorm';

/** Row counts of every table of the public schema (partitioned tables counted once, through their parent). */
export async function rowCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const tables: { name: string }[] = await dataSource.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM "${name}"`);
    counts[name] = count;
  }
  return counts;
}
