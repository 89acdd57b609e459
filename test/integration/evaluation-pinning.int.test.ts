import { randomBytes } from 'node:crypto';
import { RulesetContent } from '../../src/engine';
import { startTestServer, TestServer } from '../helpers/test-server';
import { publishBySql, retireBySql, seedContent } from '../helpers/policy-versions';
import { systemContext } from '../../src/common/request-context';
import { rowCounts } from '../helpers/row-counts';
import { eventually } from '../helpers/eventually';

const EVALUATE = `query($key: ID!, $version: Int, $contentHash: String, $asOf: DateTime, $input: NumberApplicationInput!) {
  evaluateNumberApplication(rulesetKey: $key, version: $version, contentHash: $contentHash, asOf: $asOf, input: $input) {
    decisionId decision message rulesetKey versionNumber contentHash versionStatus evaluatedAt
    matches { ruleKey effect industry scenario message evidence }
  }
}`;

const HOUR = 3600_000;

describe('evaluations are pinned to a version', () => {
  let server: TestServer;
  let seed: RulesetContent;
  beforeAll(async () => {
    server = await startTestServer();
    seed = await seedContent(server.dataSource);
  });
  afterAll(() => server.close());

  /**
   * A ruleset of its own (a copy of the seed as version 1), so tests do not share "in effect now".
   * Version 1 took effect an hour ago, so a time between it and a version published now needs no waiting.
   */
  async function newRuleset(): Promise<{ key: string; v1: { number: number; contentHash: string; id: string } }> {
    const key = `pin-${randomBytes(4).toString('hex')}`;
    const view = await server.app.services.publishing.importRuleset(
      systemContext('test', { now: () => new Date(Date.now() - HOUR) }),
      { key, name: key, description: null, makerChecker: false },
      seed,
      'copy',
    );
    return { key, v1: { number: 1, contentHash: view.contentHash, id: view.id } };
  }
  const variant = (message: string): RulesetContent => ({ ...seed, defaultMessage: message });
  const evaluate = (variables: Record<string, unknown>, key = server.keys.evaluator) =>
    server.gql(EVALUATE, { input: { description: '我们是一家做家政保洁预约的公司' }, ...variables }, key);

  it('uses the version in effect now when nothing is pinned, and says which', async () => {
    const { key, v1 } = await newRuleset();
    const { data, errors } = await evaluate({ key });
    expect(errors).toBeUndefined();
    expect(data.evaluateNumberApplication).toMatchObject({
      rulesetKey: key,
      versionNumber: 1,
      contentHash: v1.contentHash,
      versionStatus: 'PUBLISHED',
      decision: 'REVIEW',
    });
    expect(data.evaluateNumberApplication.decisionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('defaults the ruleset to ccc-access', async () => {
    const { data, errors } = await server.gql(
      `query { evaluateNumberApplication(input: { description: "催收催缴外包服务" }) { rulesetKey versionNumber decision } }`,
      {},
      server.keys.evaluator,
    );
    expect(errors).toBeUndefined();
    expect(data.evaluateNumberApplication).toMatchObject({ rulesetKey: 'ccc-access', versionNumber: 1, decision: 'REJECT' });
  });

  it('pins by number, by hash and by time, and agreeing pins are accepted together', async () => {
    const { key, v1 } = await newRuleset();
    const before = new Date(Date.now() - HOUR / 2);
    const v2 = await publishBySql(server.dataSource, variant('第二版：人工审核'), { rulesetKey: key });

    const now = await evaluate({ key });
    expect(now.data.evaluateNumberApplication).toMatchObject({ versionNumber: 2, contentHash: v2.contentHash, message: '第二版：人工审核' });
    const byNumber = await evaluate({ key, version: 1 });
    expect(byNumber.data.evaluateNumberApplication).toMatchObject({ versionNumber: 1, contentHash: v1.contentHash });
    const byHash = await evaluate({ key, contentHash: v2.contentHash.toUpperCase() });
    expect(byHash.data.evaluateNumberApplication).toMatchObject({ versionNumber: 2 });
    const byTime = await evaluate({ key, asOf: before.toISOString() });
    expect(byTime.data.evaluateNumberApplication).toMatchObject({ versionNumber: 1 });
    const agreeing = await evaluate({ key, version: 2, contentHash: v2.contentHash, asOf: new Date().toISOString() });
    expect(agreeing.errors).toBeUndefined();
    expect(agreeing.data.evaluateNumberApplication.versionNumber).toBe(2);
  });

  it('refuses pins that disagree as BAD_USER_INPUT', async () => {
    const { key, v1 } = await newRuleset();
    const v2 = await publishBySql(server.dataSource, variant('v2'), { rulesetKey: key });
    const numberVsHash = await evaluate({ key, version: 1, contentHash: v2.contentHash });
    expect(numberVsHash.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(numberVsHash.errors?.[0].message).toMatch(/disagree/);
    const hashVsTime = await evaluate({ key, contentHash: v1.contentHash, asOf: new Date().toISOString() });
    expect(hashVsTime.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(numberVsHash.data).toBeNull();
  });

  it('answers NOT_FOUND for an unknown ruleset, version, hash or a time before any version', async () => {
    const { key } = await newRuleset();
    const cases = [{ key: 'no-such-ruleset' }, { key, version: 99 }, { key, contentHash: 'a'.repeat(64) }, { key, asOf: '2001-01-01T00:00:00Z' }];
    for (const variables of cases) {
      const response = await evaluate(variables);
      expect(response.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    const malformed = await evaluate({ key, contentHash: 'xyz' });
    expect(malformed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('serves a retired version only when pinned explicitly, and says it is retired', async () => {
    const { key, v1 } = await newRuleset();
    await publishBySql(server.dataSource, variant('v2'), { rulesetKey: key });
    await retireBySql(server.dataSource, v1.id, key);
    // Nothing of this ruleset was cached before the retirement: the first evaluation reads it afresh.
    const pinned = await evaluate({ key, version: 1 });
    expect(pinned.errors).toBeUndefined();
    expect(pinned.data.evaluateNumberApplication).toMatchObject({ versionNumber: 1, versionStatus: 'RETIRED' });
    const current = await evaluate({ key });
    expect(current.data.evaluateNumberApplication).toMatchObject({ versionNumber: 2, versionStatus: 'PUBLISHED' });
  });

  it('leaves a retired version out of asOf resolution, also for times it was in effect', async () => {
    const { key, v1 } = await newRuleset();
    const v2 = await publishBySql(server.dataSource, variant('v2, withdrawn'), { rulesetKey: key });
    const whileLive = new Date();
    await retireBySql(server.dataSource, v2.id, key);
    // Nothing of this ruleset was cached before the retirement: the first evaluation reads it afresh.
    const byTime = await evaluate({ key, asOf: whileLive.toISOString() });
    expect(byTime.errors).toBeUndefined();
    expect(byTime.data.evaluateNumberApplication).toMatchObject({ versionNumber: 1, contentHash: v1.contentHash, versionStatus: 'PUBLISHED' });
    expect((await evaluate({ key })).data.evaluateNumberApplication.versionNumber).toBe(1);
  });

  it('refuses an asOf in the future as BAD_USER_INPUT and logs nothing; a scheduled version is pinned by number', async () => {
    const { key } = await newRuleset();
    await publishBySql(server.dataSource, variant('scheduled'), { rulesetKey: key, effectiveFrom: new Date(Date.now() + 86_400_000) });
    const before = await rowCounts(server.dataSource);
    const ahead = await evaluate({ key, asOf: new Date(Date.now() + 2 * 86_400_000).toISOString() });
    expect(ahead.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(ahead.errors?.[0].message).toMatch(/asOf .* is in the future/);
    expect(await rowCounts(server.dataSource)).toEqual(before);
    const pinned = await evaluate({ key, version: 2 });
    expect(pinned.errors).toBeUndefined();
    expect(pinned.data.evaluateNumberApplication).toMatchObject({ versionNumber: 2, message: 'scheduled' });
  });

  it('switches to a scheduled version at its effective time without any notification', async () => {
    const { key } = await newRuleset();
    const effectiveFrom = new Date(Date.now() + 86_400_000);
    // A process whose clock the test moves: the switch happens at a time, not after a wait.
    let now = new Date();
    const clocked = await startTestServer({ databaseUrl: server.databaseUrl, clock: { now: () => now } });
    try {
      const evaluateOn = (variables: Record<string, unknown>) =>
        clocked.gql(EVALUATE, { input: { description: '我们是一家做家政保洁预约的公司' }, ...variables }, clocked.keys.evaluator);
      await publishBySql(server.dataSource, variant('scheduled'), { rulesetKey: key, effectiveFrom });
      // Once the publish's notification has been taken in, the list with version 2 is cached ...
      const pinned = await eventually(
        () => evaluateOn({ key, version: 2 }),
        (response) => response.data?.evaluateNumberApplication?.versionNumber === 2,
      );
      expect(pinned.data.evaluateNumberApplication.versionNumber).toBe(2);
      now = new Date(effectiveFrom.getTime() - 1);
      expect((await evaluateOn({ key })).data.evaluateNumberApplication.versionNumber).toBe(1);
      // ... and the switch comes from the time alone.
      now = effectiveFrom;
      expect((await evaluateOn({ key })).data.evaluateNumberApplication.versionNumber).toBe(2);
    } finally {
      await clocked.close();
    }
  });

  it('lets a second server process on the same database serve a new publish once the notification reaches it', async () => {
    const { key } = await newRuleset();
    const second = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const evaluateOn = (target: TestServer) => target.gql(EVALUATE, { key, input: { description: '家政保洁预约' } }, target.keys.evaluator);
      expect((await evaluateOn(second)).data.evaluateNumberApplication.versionNumber).toBe(1);
      expect((await evaluateOn(server)).data.evaluateNumberApplication.versionNumber).toBe(1);
      await publishBySql(server.dataSource, variant('new'), { rulesetKey: key });
      // Both have version 1's list cached: only the notification can make them see version 2.
      const seen = await eventually(
        () => evaluateOn(second),
        (response) => response.data?.evaluateNumberApplication?.versionNumber === 2,
      );
      expect(seen.data.evaluateNumberApplication.versionNumber).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('lets only evaluators (and admins) evaluate', async () => {
    const response = await evaluate({ key: 'ccc-access' }, server.keys.auditor);
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const admin = await evaluate({ key: 'ccc-access' }, server.keys.admin);
    expect(admin.errors).toBeUndefined();
  });
});
