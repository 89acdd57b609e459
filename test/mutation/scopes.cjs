// Mutation-testing scopes (issue 18): the modules whose mistakes lose trust, each with the tests
// that are meant to catch its mistakes. `npm run mutation [scope...]` runs them one at a time
// (two shared cores: one Stryker run with a narrow scope finishes; all at once would not).
// `integration: true` scopes need PostgreSQL: test/mutation/run.cjs starts one for the whole
// run and every mutant's jest run copies a migrated template from it (test/helpers/global-setup.ts).
module.exports = {
  engine: {
    mutate: ['src/engine/**/*.ts', '!src/engine/index.ts', '!src/engine/types.ts'],
    tests: ['<rootDir>/test/unit/engine/**/*.test.ts'],
  },
  'decision-record': {
    mutate: ['src/decisions/decision-record.ts', 'src/decisions/cursor.ts'],
    tests: ['<rootDir>/test/unit/decisions/**/*.test.ts'],
  },
  replay: {
    // What replay computes (the re-evaluation, the differences, the impact tally): the pure core a replay
    // worker runs; ReplayService's reads and the worker pool are integration-tested.
    mutate: ['src/decisions/replay-diff.ts', 'src/decisions/replay-core.ts'],
    tests: ['<rootDir>/test/unit/decisions/**/*.test.ts'],
  },
  'version-resolution': {
    // The resolution rules themselves; the caching class around them is covered by integration tests.
    mutate: ['src/rulesets/version-catalogue.ts:45-65'],
    tests: ['<rootDir>/test/unit/rulesets/version-resolution.test.ts'],
  },
  'input-limits': {
    mutate: ['src/evaluations/input-validation.ts', 'src/common/limits.ts'],
    tests: ['<rootDir>/test/unit/evaluations/**/*.test.ts', '<rootDir>/test/unit/rulesets/version-resolution.test.ts'],
  },
  authorisation: {
    mutate: ['src/graphql/auth-checker.ts', 'src/decisions/decision-access.ts'],
    tests: [
      '<rootDir>/test/integration/role-matrix.int.test.ts',
      '<rootDir>/test/integration/least-privilege.int.test.ts',
      '<rootDir>/test/integration/violations-and-standing.int.test.ts',
    ],
    integration: true,
  },
  publish: {
    mutate: ['src/rulesets/publishing.service.ts'],
    tests: [
      '<rootDir>/test/integration/maker-checker.int.test.ts',
      '<rootDir>/test/integration/publish-concurrency.int.test.ts',
      '<rootDir>/test/integration/published-immutability.int.test.ts',
      '<rootDir>/test/integration/retirement-guard.int.test.ts',
      '<rootDir>/test/integration/safe-policy-change.int.test.ts',
      '<rootDir>/test/integration/audit-trail.int.test.ts',
      '<rootDir>/test/integration/evaluation-pinning.int.test.ts',
      '<rootDir>/test/integration/refusals.int.test.ts',
    ],
    integration: true,
  },
};
