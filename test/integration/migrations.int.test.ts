import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { createDataSource } from '../../src/composition/data-source';
import { migrate } from '../../src/db/database';
import { ensureDatabase } from '../../src/db/ensure-database';
import { readTestState } from '../helpers/test-state';

describe('migrations', () => {
  it('apply once when several processes start at the same moment on an empty database', async () => {
    const state = readTestState();
    const url = await ensureDatabase(state.serverUrl, `ccc_test_${state.runId}_${randomBytes(6).toString('hex')}`);
    const sources = [createDataSource(url, 2), createDataSource(url, 2), createDataSource(url, 2)];
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
    const source = createDataSource(url, 2);
    await source.initialize();
    try {
      await migrate(source);
      const functions = async () =>
        ((await source.query(`SELECT proname FROM pg_proc WHERE proname LIKE 'append_decision%' ORDER BY 1`)) as { proname: string }[]).map((row) => row.proname);
      const timeIndex = async () => ((await source.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'decision_log_created'`)) as { indexdef: string }[])[0].indexdef;
      expect(await functions()).toEqual(['append_decision_batch']);
      expect(await timeIndex()).toMatch(/USING brin/);
      // The migrations after it first, newest first.
      const later = source.migrations.length - 1 - source.migrations.findIndex((migration) => migration.name === 'DecisionLogAppendBatch1764300004000');
      for (let undo = 0; undo < later; undo++) await source.undoLastMigration();
      await source.undoLastMigration();
      expect(await functions()).toEqual(['append_decisions']);
      expect(await timeIndex()).toMatch(/USING btree/);
      await migrate(source);
      expect(await functions()).toEqual(['append_decision_batch']);
    } finally {
      await source.destroy();
    }
  });
});
