import { Client } from 'pg';
import { EntityManager } from 'typeorm';
import * as store from '../src/decisions/decision-log.store';
import { queuePageQuery } from '../src/reviews/review-log.store';

/**
 * The plans of the decision log's reads on a big log: grows the log of LOG_PLANS_URL (a
 * database `bench/log-size.ts` kept, LOG_SIZE_KEEP=1) to LOG_PLANS_ROWS records (default
 * 10,000,000) by repeating its records over ten months (90% ccc-access, 10% another ruleset,
 * 5% violations, 500,000 enterprises, time-ordered UUIDv7-like ids), then runs the store's
 * own queries (the SQL the service sends, through a manager that prints EXPLAIN (ANALYZE,
 * BUFFERS) before running each one) and prints each plan with its time. The grown rows are
 * not chained (their hashes are copies): the plans, not verification, are the point.
 */
const URL_ = process.env.LOG_PLANS_URL;
const ROWS = Number(process.env.LOG_PLANS_ROWS ?? 10_000_000);
const STEP = 1_000_000;

async function grow(client: Client): Promise<void> {
  const [{ count }] = (await client.query<{ count: string }>('SELECT count(*) FROM decision_log')).rows;
  let have = Number(count);
  if (have >= ROWS) return;
  await client.query(`CREATE TEMP TABLE template AS SELECT row_number() OVER (ORDER BY seq) - 1 AS n, * FROM decision_log`);
  const templates = have;
  const start = Date.UTC(2026, 1, 1);
  // Ten months for ROWS records: the time between two records.
  const spacing = Math.floor((300 * 86_400_000) / ROWS);
  for (let month = 0; month < 11; month += 1) {
    await client.query('SELECT ensure_decision_log_partition($1::date)', [new Date(Date.UTC(2026, 1 + month, 1)).toISOString().slice(0, 10)]);
  }
  // As the owner, past the append-only and review-queue triggers: a bulk load, not appends.
  await client.query('SET session_replication_role = replica');
  while (have < ROWS) {
    const upto = Math.min(ROWS, have + STEP);
    const started = Date.now();
    await client.query(
      `INSERT INTO decision_log (seq, id, kind, ruleset_key, version_number, enterprise_id, decision, severity, input, output, state, caller,
                                 request_id, engine_version, created_at, record_format, record_sha256, chain_sha256)
       SELECT g, (lpad(to_hex($3::bigint + g * $4::bigint), 12, '0') || '7' || lpad(to_hex(g % 4096), 3, '0') || '8' || substr(md5(g::text), 1, 15))::uuid,
              CASE WHEN g % 100 < 4 THEN 'VIOLATION' WHEN g % 100 = 4 THEN 'RECORDED_VIOLATION' ELSE 'NUMBER_APPLICATION' END,
              CASE WHEN g % 10 = 7 THEN 'other-rules' ELSE 'ccc-access' END, 1,
              CASE WHEN g % 5 = 0 THEN NULL ELSE 'bench-app-' || (g * 7919 % 500000) END,
              CASE WHEN g % 100 < 5 THEN NULL ELSE t.decision END,
              CASE WHEN g % 100 < 5 THEN 'SERIOUS' END,
              t.input, t.output, t.state, t.caller, t.request_id, t.engine_version,
              to_timestamp(($3::bigint + g * $4::bigint) / 1000.0), 2, t.record_sha256, t.chain_sha256
       FROM generate_series($1::bigint, $2::bigint) AS g JOIN template t ON t.n = g % $5`,
      [have + 1, upto, start, spacing, templates],
    );
    await client.query(`UPDATE decision_log_head SET seq = $1`, [upto]);
    console.log(`  grown to ${upto.toLocaleString('en-US')} rows (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    have = upto;
  }
  await client.query('SET session_replication_role = origin');
  await client.query('VACUUM ANALYZE decision_log');
}

/** A manager whose every query is first explained (and timed), then run. */
function explaining(client: Client, label: { current: string }): EntityManager {
  return {
    query: async (sql: string, params: unknown[] = []) => {
      const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
      console.log(`\n### ${label.current}\n\n\`\`\`sql\n${sql.replace(/\s+/g, ' ').trim()}\n\`\`\`\n\`\`\``);
      for (const row of plan.rows) console.log(row['QUERY PLAN']);
      console.log('```');
      return (await client.query(sql, params)).rows;
    },
  } as unknown as EntityManager;
}

async function main(): Promise<void> {
  if (!URL_) throw new Error('LOG_PLANS_URL: the database bench/log-size.ts kept');
  const client = new Client({ connectionString: URL_ });
  await client.connect();
  try {
    await grow(client);
    const [{ rows, bytes }] = (
      await client.query<{ rows: string; bytes: string }>(
        `SELECT (SELECT count(*) FROM decision_log)::text AS rows, sum(pg_total_relation_size(relid))::text AS bytes FROM pg_partition_tree('decision_log') WHERE isleaf`,
      )
    ).rows;
    console.log(`log: ${Number(rows).toLocaleString('en-US')} records, ${(Number(bytes) / 2 ** 30).toFixed(2)} GiB with indexes`);
    const label = { current: '' };
    const db = explaining(client, label);
    const as = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      label.current = name;
      return run();
    };
    const [middle] = (
      await client.query<{ id: string; seq: string; created_at: Date }>(`SELECT id, seq, created_at FROM decision_log WHERE seq = $1`, [
        Math.floor(Number(rows) / 2),
      ])
    ).rows;
    const seq = Number(middle.seq);
    await as('decision(id)', () => store.findDecision(db, middle.id));
    await as('decisions, no filter, a page after a cursor', () => store.filteredPage(db, {}, seq, 51));
    await as('decisions(filter: { rulesetKey }) (10% of the log)', () => store.filteredPage(db, { rulesetKey: 'other-rules' }, seq, 51));
    await as('decisions(filter: { kind: VIOLATION })', () => store.filteredPage(db, { kind: 'VIOLATION' }, seq, 51));
    await as('decisions(filter: { kind: NUMBER_APPLICATION })', () => store.filteredPage(db, { kind: 'NUMBER_APPLICATION' }, seq, 51));
    await as('decisions(filter: { enterpriseId })', () => store.filteredPage(db, { enterpriseId: 'bench-app-4242' }, 0, 51));
    await as('decisions(filter: { decision: REJECT })', () => store.filteredPage(db, { decision: 'REJECT' }, seq, 51));
    const day = new Date(middle.created_at.getTime() + 86_400_000);
    await as('decisions(filter: { from, to }) (one day)', () => store.filteredPage(db, { from: middle.created_at, to: day }, 0, 51));
    await as('decisions totalCount, enterprise filter', () => store.countFiltered(db, { enterpriseId: 'bench-app-4242' }));
    await as('enterprise violations (recordViolation history)', () => store.enterpriseViolations(db, 'bench-app-4242'));
    await as('verifyDecisionLog(from, to): the window', () => store.sequenceWindow(db, middle.created_at, day));
    await as('verifyDecisionLog: the anchor before the window', () => store.recordBefore(db, seq));
    await as('verifyDecisionLog: the record after the window', () => store.recordAfter(db, seq + 30_000, null));
    await as('verifyDecisionLog / export: one chunk of the walk (2,000 records)', async () => {
      for await (const chunk of store.walkLog(db, { afterSeq: seq, lastSeq: seq + 2000 }, 2000)) void chunk;
    });
    await as('verifyDecisionLog(checkpoint): the checkpoint record', () => store.recordAt(db, String(seq)));
    await as('impact analysis: one chunk of the ruleset walk (1,000 records)', async () => {
      for await (const chunk of store.walkLog(db, { afterSeq: seq, lastSeq: seq + 20_000, rulesetKey: 'other-rules' }, 1000, false)) void chunk;
    });
    await as('impact analysis over a window: its summary (export header, progress total)', () =>
      store.rangeSummary(db, { rulesetKey: 'ccc-access', from: middle.created_at, to: day }),
    );
    await as('impact analysis for roles that may not read the log: whole blocks of a one-day window', () =>
      store.wholeBlocks(db, { rulesetKey: 'other-rules', from: middle.created_at, to: day, lastSeq: Number(rows) }, 100),
    );
    const { sql, params } = queuePageQuery('ccc-access', 'OLDEST', null, null, 20);
    await as('review queue page (the queue joined to its decisions)', () => db.query(sql, params));
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
