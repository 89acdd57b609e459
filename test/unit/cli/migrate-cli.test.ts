import { runMigrateCli } from '../../../src/cli/migrate';

/** The arguments are checked before the database is opened, so these cases need none. */
describe('npm run migrate: arguments', () => {
  async function run(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runMigrateCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('--help prints usage with an example, exit 0', async () => {
    const help = await run(['--help']);
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toContain('usage: npm run migrate');
    expect(help.out).toContain('example:\n  DATABASE_URL=');
  });

  it('refuses any argument with exit 2, before touching a database', async () => {
    const refused = await run(['--force']);
    expect(refused).toMatchObject({ code: 2, out: '' });
    expect(refused.err).toContain('migrate takes no arguments, got "--force"');
  });
});
