// The jest configuration of one mutation scope (MUTATION_SCOPE): the project settings of
// jest.config.js (unit, or integration with its PostgreSQL global setup) and only the scope's tests.
const path = require('node:path');
const jestConfig = require('../../jest.config.js');
const scopes = require('./scopes.cjs');

const scope = scopes[process.env.MUTATION_SCOPE];
if (!scope) throw new Error(`MUTATION_SCOPE must be one of: ${Object.keys(scopes).join(', ')}`);
const [unitProject, integrationProject] = jestConfig.projects;
const { displayName: _displayName, testMatch: _testMatch, ...projectSettings } = scope.integration ? integrationProject : unitProject;

module.exports = { ...projectSettings, rootDir: path.resolve(__dirname, '../..'), testTimeout: jestConfig.testTimeout, testMatch: scope.tests };
