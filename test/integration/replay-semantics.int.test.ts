import { uuidv7 } from 'uuidv7';
import { compactOutput, DecisionContent } from '../../src/decisions/decision-record';
import { ENGINE_SEMANTICS, ENGINE_VERSION } from '../../src/engine';
import { startTestServer, TestServer } from '../helpers/test-server';
import { APPLY } from '../helpers/workload';

const REPLAY = `query($id: ID!) { replayDecision(id: $id) { identical engineSemantics original replayed differences } }`;

describe('replay under the engine semantics a decision was logged with', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function logApplication(description: string): Promise<string> {
    const { data, errors } = await server.gql(APPLY, { input: { description } }, server.keys.evaluator);
    expect(errors).toBeUndefined();
    return data.evaluateNumberApplication.decisionId;
  }

  it('records the semantics in each decision and each published version, and replays under it', async () => {
    const id = await logApplication('我們是軟體公司，ＡＩ外撥行銷');
    const decision = await server.gql(`query($id: ID!) { decision(id: $id) { engineVersion } }`, { id }, server.keys.auditor);
    expect(decision.data.decision.engineVersion).toBe(ENGINE_VERSION);
    const versions = await server.gql(`{ ruleset(key: "ccc-access") { versions { status engineSemantics } } }`, {}, server.keys.auditor);
    expect(versions.data.ruleset.versions).toEqual([{ status: 'PUBLISHED', engineSemantics: ENGINE_SEMANTICS }]);

    const replay = await server.gql(REPLAY, { id }, server.keys.auditor);
    expect(replay.errors).toBeUndefined();
    expect(replay.data.replayDecision).toMatchObject({ identical: true, engineSemantics: ENGINE_SEMANTICS, differences: [] });
  });

  it('does not claim identity for a decision whose engine version names no semantics it has', async () => {
    const logged = (await server.app.services.decisionLog.findDecision(await logApplication('催收欠款，电话提醒还款')))!;
    const { seq: _seq, recordHash: _recordHash, prevHash: _prevHash, hash: _hash, ...content } = logged;
    const fromNewerEngine: DecisionContent = { ...content, id: uuidv7(), engineVersion: '9.0.0', createdAt: new Date().toISOString() };
    await server.app.services.logWriter.append([fromNewerEngine]);

    const replay = await server.gql(REPLAY, { id: fromNewerEngine.id }, server.keys.auditor);
    expect(replay.errors).toBeUndefined();
    const result = replay.data.replayDecision;
    expect(result).toMatchObject({ identical: false, engineSemantics: null });
    expect(result.differences).toEqual([
      expect.stringMatching(
        /^engine semantics: the decision was logged by engine version "9\.0\.0", which names no semantics this engine has; .* identity is not claimed$/,
      ),
    ]);
    // The outputs agree, yet identity is not claimed: the semantics that made it cannot be run. A lean
    // record's full output cannot be rebuilt without them either: it shows the compact output it stores.
    expect(compactOutput('NUMBER_APPLICATION', result.replayed)).toEqual(result.original);
  });
});
