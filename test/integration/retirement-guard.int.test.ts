import { randomBytes } from 'node:crypto';
import { systemContext } from '../../src/common/request-context';
import { RulesetContent } from '../../src/engine';
import { publishBySql, seedContent } from '../helpers/policy-versions';
import { rowCounts } from '../helpers/row-counts';
import { startTestServer, TestServer } from '../helpers/test-server';

const RETIRE = `mutation($key: ID!, $n: Int!, $force: Boolean) { retireVersion(rulesetKey: $key, number: $n, force: $force) { number status } }`;
const EVALUATE = `query($key: ID!) { evaluateNumberApplication(rulesetKey: $key, input: { description: "家政保洁预约" }) { versionNumber } }`;
const RETIREMENTS = `query($key: ID!) { auditEvents(rulesetKey: $key, type: "VERSION_RETIRED") { actor after } }`;

describe('retiring versions cannot cause an outage by accident', () => {
  let server: TestServer;
  let seed: RulesetContent;
  beforeAll(async () => {
    server = await startTestServer();
    seed = await seedContent(server.dataSource);
  });
  afterAll(() => server.close());

  /** A ruleset of its own with the seed as version 1 and a variant as version 2, both in effect from now. */
  async function twoVersions(): Promise<string> {
    const key = `retire-${randomBytes(4).toString('hex')}`;
    await server.app.services.publishing.importRuleset(systemContext('test'), { key, name: key, description: null, makerChecker: false }, seed, 'copy');
    await publishBySql(server.dataSource, { ...seed, defaultMessage: 'v2' }, { rulesetKey: key });
    return key;
  }
  const retire = (key: string, n: number, role: keyof TestServer['keys'], force?: boolean) => server.gql(RETIRE, { key, n, force }, server.keys[role]);

  it('lets one publisher retire the newer version but not every version; unpinned evaluations keep working', async () => {
    const key = await twoVersions();
    expect((await retire(key, 2, 'publisher')).data.retireVersion).toEqual({ number: 2, status: 'RETIRED' });

    const before = await rowCounts(server.dataSource);
    const last = await retire(key, 1, 'publisher');
    expect(last.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(last.errors?.[0].message).toMatch(/in effect now and no other published version would be in effect/);
    expect(await rowCounts(server.dataSource)).toEqual(before);

    const evaluated = await server.gql(EVALUATE, { key }, server.keys.evaluator);
    expect(evaluated.errors).toBeUndefined();
    expect(evaluated.data.evaluateNumberApplication.versionNumber).toBe(1);
  });

  it('counts a version scheduled for later as no replacement: there would be a gap until it takes effect', async () => {
    const key = `retire-${randomBytes(4).toString('hex')}`;
    await server.app.services.publishing.importRuleset(systemContext('test'), { key, name: key, description: null, makerChecker: false }, seed, 'copy');
    await publishBySql(server.dataSource, { ...seed, defaultMessage: 'later' }, { rulesetKey: key, effectiveFrom: new Date(Date.now() + 86_400_000) });
    expect((await retire(key, 1, 'publisher')).errors?.[0].extensions?.code).toBe('CONFLICT');
    // The scheduled version is not in effect: retiring it leaves version 1 in effect.
    expect((await retire(key, 2, 'publisher')).errors).toBeUndefined();
  });

  it("refuses a non-admin's force as FORBIDDEN, writing nothing", async () => {
    const key = await twoVersions();
    await retire(key, 2, 'publisher');
    const before = await rowCounts(server.dataSource);
    for (const role of ['publisher', 'editor'] as const) {
      const forced = await retire(key, 1, role, true);
      expect(forced.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await rowCounts(server.dataSource)).toEqual(before);
  });

  it("records an admin's forced retirement as forced in the trail, and only that one", async () => {
    const key = await twoVersions();
    await retire(key, 2, 'publisher');
    const forced = await retire(key, 1, 'admin', true);
    expect(forced.errors).toBeUndefined();
    expect(forced.data.retireVersion).toEqual({ number: 1, status: 'RETIRED' });

    const events = (await server.gql(RETIREMENTS, { key }, server.keys.auditor)).data.auditEvents;
    expect(events).toEqual([
      { actor: 'test-admin', after: expect.objectContaining({ number: 1, status: 'RETIRED', forced: true }) },
      { actor: 'test-publisher', after: expect.not.objectContaining({ forced: expect.anything() }) },
    ]);
    // That is what forcing means: nothing is in effect now.
    expect((await server.gql(EVALUATE, { key }, server.keys.evaluator)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
