import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { Client } from 'pg';
import { createLogger } from '../src/common/logger';
import { systemContext } from '../src/common/request-context';
import { loadConfig } from '../src/config/config';
import { openPolicyDatabase } from '../src/composition/data-source';
import { createAuthoringServices } from '../src/composition/services';
import { poolOf } from '../src/db/data-source';
import { ensureDatabase } from '../src/db/ensure-database';
import { DecisionLogWriter } from '../src/decisions/decision-log.writer';
import { newDecision } from '../src/decisions/new-decision';
import { ApplicationState, evaluateNumberApplication, NumberApplicationInput } from '../src/engine';
import { ensureSeedRuleset } from '../src/rulesets/seed';
import { VersionCatalogue } from '../src/rulesets/version-catalogue';
import { applicationDescriptions, prng } from './inputs';

/**
 * Bytes the decision log stores per decision, measured alone: writes LOG_SIZE_DECISIONS
 * (default 100,000) application decisions through the real writer (requests of 100, as the
 * batch API sends them) into a fresh database on LOG_SIZE_SERVER (default the local
 * PostgreSQL), then reads pg_total_relation_size of the log's partitions (heap, TOAST and
 * indexes) and each index's own size. The inputs are the HTTP bench's (80% with an
 * enterprise, a declared industry, a generated description).
 */
const SERVER = process.env.LOG_SIZE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DECISIONS = Number(process.env.LOG_SIZE_DECISIONS ?? 100_000);
const KEEP = process.env.LOG_SIZE_KEEP === '1';
const INDUSTRIES: [string, string][] = [
  ['医疗', '医药售卖'],
  ['房产', '新房'],
  ['金融', '信用卡'],
  ['教育', '课程推广'],
  ['物流', '快递通知'],
];

async function main(): Promise<void> {
  const name = `ccc_log_size_${randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(SERVER, name);
  process.env.DATABASE_URL = url;
  const logger = createLogger('warn');
  const database = await openPolicyDatabase(loadConfig(), (line) => logger.info(line));
  try {
    await ensureSeedRuleset(createAuthoringServices(database.dataSource), logger);
    const versions = new VersionCatalogue(database.dataSource, () => false);
    const context = systemContext('bench');
    const version = await versions.resolveVersion(context, 'ccc-access', {});
    const writer = new DecisionLogWriter(poolOf(database.dataSource), { batchWindowMs: 2, batchMaxSize: 500 });
    await writer.start(new Date());
    const random = prng(2024);
    const descriptions = applicationDescriptions(6000, 99);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const request = (): Promise<unknown> => {
      const records = Array.from({ length: 100 }, () => {
        const declared = pick(INDUSTRIES);
        const input: NumberApplicationInput = {
          enterpriseId: random() < 0.8 ? `bench-app-${Math.floor(random() * 50_000)}` : null,
          industry: declared[0],
          scenario: declared[1],
          description: pick(descriptions),
          callDirection: random() < 0.7 ? 'OUTBOUND' : 'INBOUND',
          facts: null,
        };
        const state: ApplicationState = { enterprise: null };
        const output = evaluateNumberApplication(version.compiled, input, state);
        const fields = { enterpriseId: input.enterpriseId ?? null, decision: output.decision, severity: null, input, output, state };
        return newDecision({ ...context, requestId: randomBytes(16).toString('hex') }, version, 'NUMBER_APPLICATION', fields, new Date());
      });
      return writer.append(records);
    };
    const started = Date.now();
    for (let written = 0; written < DECISIONS; written += 800) await Promise.all(Array.from({ length: 8 }, request));
    await writer.close();
    const seconds = (Date.now() - started) / 1000;
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('VACUUM ANALYZE decision_log');
      const { rows } = await client.query<{ rows: string; total: string; heap: string; toast: string; indexes: string }>(
        `SELECT (SELECT count(*) FROM decision_log)::text AS rows,
                sum(pg_total_relation_size(relid))::text AS total, sum(pg_relation_size(relid))::text AS heap,
                sum(pg_total_relation_size(relid) - pg_relation_size(relid) - pg_indexes_size(relid))::text AS toast,
                sum(pg_indexes_size(relid))::text AS indexes
         FROM pg_partition_tree('decision_log') WHERE isleaf`,
      );
      const totals = rows[0];
      const count = Number(totals.rows);
      const per = (bytes: string | number): string => (Number(bytes) / count).toFixed(0);
      console.log(`${count} decisions written in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)}/s, not a throughput figure: one client, no HTTP)`);
      console.log(`bytes per decision: ${per(totals.total)} (heap ${per(totals.heap)}, TOAST ${per(totals.toast)}, indexes ${per(totals.indexes)})`);
      const indexes = await client.query<{ index: string; bytes: string }>(
        `SELECT regexp_replace(i.indexrelid::regclass::text, '^decision_log_[0-9_]+_', '') AS index, sum(pg_relation_size(i.indexrelid))::text AS bytes
         FROM pg_partition_tree('decision_log') p JOIN pg_index i ON i.indrelid = p.relid WHERE p.isleaf GROUP BY 1 ORDER BY 2 DESC`,
      );
      for (const index of indexes.rows) console.log(`  index ${index.index}: ${per(index.bytes)} bytes per decision`);
      const widths = await client.query<Record<string, string>>(
        `SELECT avg(pg_column_size(d.*))::int AS row, avg(pg_column_size(input))::int AS input, avg(pg_column_size(output))::int AS output,
                avg(pg_column_size(state))::int AS state FROM decision_log d`,
      );
      console.log(`  average row ${widths.rows[0].row} bytes (input ${widths.rows[0].input}, output ${widths.rows[0].output}, state ${widths.rows[0].state})`);
    } finally {
      await client.end();
    }
  } finally {
    await database.close();
    if (!KEEP) {
      const admin = new Client({ connectionString: SERVER });
      await admin.connect();
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.end();
    } else console.log(`kept database ${url}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
