import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/composition/data-source';
import { migrate } from '../../src/db/database';
import { ensureDatabase } from '../../src/db/ensure-database';
import { readTestState } from '../helpers/test-state';

/** Undoes the migrations applied after `name` (migrate re-applies them). */
async function undoUntil(source: DataSource, name: string): Promise<void> {
  const last = async () => ((await source.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1')) as { name: string }[])[0].name;
  while ((await last()) !== name) await source.undoLastMigration();
}

describe('migrations', () => {
  it('apply once when several processes start at the same moment on an empty database', async () => {
    const state = readTestState();
    const url = await ensureDatabase(state.serverUrl, `ccc_test_${state.runId}_${randomBytes(6).toString('hex')}`);
    const sources = [createDataSource(url, { size: 2 }), createDataSource(url, { size: 2 }), createDataSource(url, { size: 2 })];
    try {
      await Promise.all(sources.map((source) => source.initialize()));
      await Promise.all(sources.map((source) => migrate(source)));
      const applied: { name: string }[] = await sources[0].query('SELECT name FROM migrations ORDER BY id');
      expect(applied.map((row) => row.name)).toEqual(sources[0].migrations.map((migration) => migration.name));
      expect(await sources[1].showMigrations()).toBe(false);
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
    }
  });

  it('revert and re-apply the decision-log batch function and time index', async () => {
    const state = readTestState();
    const url = await ensureDatabase(state.serverUrl, `ccc_test_${state.runId}_${randomBytes(6).toString('hex')}`);
    const source = createDataSource(url, { size: 2 });
    await source.initialize();
    try {
      await migrate(source);
      const functions = async () =>
        ((await source.query(`SELECT proname FROM pg_proc WHERE proname LIKE 'append_decision%' ORDER BY 1`)) as { proname: string }[]).map(
          (row) => row.proname,
        );
      const timeIndex = async () =>
        ((await source.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'decision_log_created'`)) as { indexdef: string }[])[0].indexdef;
      expect(await functions()).toEqual(['append_decision_batch', 'append_decision_records']);
      expect(await timeIndex()).toMatch(/USING brin/);
      await undoUntil(source, 'DecisionLogAppendBatch1764300004000');
      await source.undoLastMigration();
      expect(await functions()).toEqual(['append_decisions']);
      expect(await timeIndex()).toMatch(/USING btree/);
      await migrate(source);
      expect(await functions()).toEqual(['append_decision_batch', 'append_decision_records']);
    } finally {
      await source.destroy();
    }
  });

  it('gives versions published before it engine semantics 1, without touching their guarded rows', async () => {
    const state = readTestState();
    const url = await ensureDatabase(state.serverUrl, `ccc_test_${state.runId}_${randomBytes(6).toString('hex')}`);
    const source = createDataSource(url, { size: 2 });
    await source.initialize();
    try {
      await migrate(source);
      await undoUntil(source, 'DecisionLogAppendBatch1764300004000');
      const rulesetId = '0190a0a0-0000-7000-8000-000000000001';
      await source.query(`INSERT INTO ruleset (id, key, name, created_by) VALUES ($1, 'old', 'old', 'test')`, [rulesetId]);
      await source.query(
        `INSERT INTO ruleset_version (id, ruleset_id, status, number, content, content_hash, effective_from, created_by, published_by, published_at)
         VALUES ('0190a0a0-0000-7000-8000-000000000002', $1, 'PUBLISHED', 1, '{}', 'hash', now(), 'test', 'test', now())`,
        [rulesetId],
      );
      await migrate(source);
      expect(await source.query('SELECT number, engine_semantics FROM ruleset_version')).toEqual([{ number: 1, engine_semantics: 1 }]);
      await undoUntil(source, 'RulesetVersionEngineSemantics1764300005000');
      await source.undoLastMigration();
      expect(
        await source.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'ruleset_version' AND column_name = 'engine_semantics'`),
      ).toEqual([]);
    } finally {
      await source.destroy();
    }
  });
});
