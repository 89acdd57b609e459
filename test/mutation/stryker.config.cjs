// Stryker for one scope of test/mutation/scopes.cjs, named by MUTATION_SCOPE (run.cjs sets it).
const scopes = require('./scopes.cjs');

const scopeName = process.env.MUTATION_SCOPE;
const scope = scopes[scopeName];
if (!scope) throw new Error(`MUTATION_SCOPE must be one of: ${Object.keys(scopes).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
module.exports = {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    enableFindRelatedTests: false,
    configFile: 'test/mutation/jest.config.cjs',
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  mutate: scope.mutate,
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 1),
  // Integration runs start an app and copy a database per test file; a loaded machine needs the slack.
  timeoutMS: scope.integration ? 60000 : 10000,
  // The initial run of an integration scope runs every test file of it once, with coverage: minutes on a loaded machine.
  dryRunTimeoutMinutes: scope.integration ? 30 : 5,
  timeoutFactor: 2,
  ignorePatterns: ['.data', '.data-*', '.stryker-tmp', 'dist', 'coverage', 'reports', 'bench'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${scopeName}.html` },
  jsonReporter: { fileName: `reports/mutation/${scopeName}.json` },
  tempDirName: `.stryker-tmp/${scopeName}`,
  cleanTempDir: true,
  thresholds: scope.integration || !['engine', 'decision-record'].includes(scopeName) ? { high: 90, low: 80, break: null } : { high: 95, low: 90, break: null },
};
