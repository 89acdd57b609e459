// `npm run mutation [scope...] [-- stryker options]`: Stryker over each scope of scopes.cjs in turn (all
// when none is named), e.g. `npm run mutation -- engine -- --mutate src/engine/evaluate.ts` for part of one.
// Reports: reports/mutation/<scope>.html and .json. MUTATION_CONCURRENCY sets Stryker's test runners (default 1).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scopes = require('./scopes.cjs');

const root = path.resolve(__dirname, '../..');
const separator = process.argv.indexOf('--', 2);
const requested = process.argv.slice(2, separator === -1 ? undefined : separator);
const strykerOptions = separator === -1 ? [] : process.argv.slice(separator + 1);
const unknown = requested.filter((name) => !scopes[name]);
if (unknown.length > 0) {
  console.error(`unknown scope(s): ${unknown.join(', ')}; known: ${Object.keys(scopes).join(', ')}`);
  process.exit(2);
}
const names = requested.length > 0 ? requested : Object.keys(scopes);

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

async function withDatabase(needed, body) {
  if (!needed || process.env.DATABASE_URL) return body({});
  // One PostgreSQL for the whole run, so a mutant's jest run only copies a template, not initdb + start.
  if (run('npx', ['tsc', '-p', 'tsconfig.build.json']) !== 0) return 1;
  const { startEmbeddedDatabase } = require(path.join(root, 'dist/src/db/embedded-database.js'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-policy-mutation-'));
  fs.chmodSync(dir, 0o755);
  const database = await startEmbeddedDatabase(dir);
  try {
    return body({ DATABASE_URL: database.url });
  } finally {
    await database.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  let failed = 0;
  await withDatabase(
    names.some((name) => scopes[name].integration),
    (env) => {
      for (const name of names) {
        const started = Date.now();
        const status = run('npx', ['stryker', 'run', 'test/mutation/stryker.config.cjs', ...strykerOptions], { ...env, MUTATION_SCOPE: name });
        console.log(`mutation scope ${name}: exit ${status} after ${Math.round((Date.now() - started) / 1000)} s`);
        if (status !== 0) failed += 1;
      }
      return 0;
    },
  );
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
