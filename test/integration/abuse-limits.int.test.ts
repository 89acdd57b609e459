import net from 'node:net';
import { getIntrospectionQuery } from 'graphql';
import { ABUSE_LIMITS } from '../../src/graphql/abuse-limits';
import { AUTHORING_TEXT_LIMITS, INPUT_LIMITS, MAX_EVALUATIONS_PER_REQUEST } from '../../src/common/limits';
import { rowCounts } from '../helpers/row-counts';
import { postGraphQL, startTestServer, TestServer } from '../helpers/test-server';

const EVALUATE = 'evaluateNumberApplication(input: { description: "物流通知" }) { decisionId }';

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a body of any shape (or none); each test asserts the fields it expects
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: asserted by the caller
  }
  return { status: response.status, json, text };
}

/** MAX_BODY_BYTES as startTestServer leaves it (the default). */
const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * Sends one chunk of `size` bytes as a chunked request body on a raw connection and reads the
 * answer until the server closes. A reset rejects: the answer must arrive whole.
 */
function streamPastLimit(url: string, size: number): Promise<{ status: number; response: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => (received += text));
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(received)?.[1] ?? 0), response: received }));
    socket.on('error', reject);
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${size.toString(16)}\r\n${'x'.repeat(size)}\r\n`,
    );
  });
}

describe('abuse limits refuse before any work is done', () => {
  let server: TestServer;
  let before: Record<string, number>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    before = await rowCounts(server.dataSource);
  });
  const nothingWritten = async () => expect(await rowCounts(server.dataSource)).toEqual(before);
  const refused = (response: { status: number; errors?: { message: string; extensions?: { code?: string } }[] }, status: number, pattern: RegExp) => {
    expect(response.status).toBe(status);
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].message).toMatch(pattern);
  };

  it("lets GraphiQL's introspection queries through every limit", async () => {
    for (const query of [
      getIntrospectionQuery(),
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        oneOf: true,
      }),
    ]) {
      for (const key of [server.keys.evaluator, null]) {
        const response = await postGraphQL(server.url, query, {}, key);
        expect(response.errors).toBeUndefined();
        expect(response.data.__schema.queryType.name).toBe('Query');
      }
    }
  });

  it(`refuses queries nested deeper than ${ABUSE_LIMITS.maxDepth}`, async () => {
    const nest = (levels: number): string => (levels === 0 ? 'name' : `ofType { ${nest(levels - 1)} }`);
    const ok = await server.gql(`{ __type(name: "Query") { fields { type { ${nest(7)} } } } }`);
    expect(ok.errors).toBeUndefined();
    const deep = await server.gql(`{ __type(name: "Query") { fields { type { ${nest(ABUSE_LIMITS.maxDepth)} } } } }`);
    refused(deep, 400, /depth limit of 12/i);
  });

  it('refuses hundreds of aliased evaluations, and more aliases than the limit, without logging any', async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${EVALUATE}`).join(' ')} }`;
    refused(await server.gql(aliased(300), {}, server.keys.evaluator), 400, /aliases/i);
    refused(await server.gql(aliased(ABUSE_LIMITS.maxAliases + 1), {}, server.keys.evaluator), 400, /aliases/i);
    await nothingWritten();
    const fine = await server.gql(aliased(ABUSE_LIMITS.maxAliases), {}, server.keys.evaluator);
    expect(fine.errors).toBeUndefined();
    expect(Object.keys(fine.data)).toHaveLength(ABUSE_LIMITS.maxAliases);
  });

  it('weighs batches by their inputs: aliased batches over 1,000 evaluations in all are refused before evaluating', async () => {
    const inputs = (n: number) => Array.from({ length: n }, (_, i) => ({ description: `物流通知 ${i}` }));
    const twoBatches = `query($a: [NumberApplicationInput!]!, $b: [NumberApplicationInput!]!) {
      a: evaluateNumberApplications(inputs: $a) { decisionId }
      b: evaluateNumberApplications(inputs: $b) { decisionId }
    }`;
    refused(await server.gql(twoBatches, { a: inputs(600), b: inputs(600) }, server.keys.evaluator), 400, /at most 1000 evaluations.*1200/);
    const batchAndSingle = `query($a: [NumberApplicationInput!]!) { a: evaluateNumberApplications(inputs: $a) { decisionId } ${EVALUATE} }`;
    refused(await server.gql(batchAndSingle, { a: inputs(1000) }, server.keys.evaluator), 400, /1001/);
    const one = `query($a: [NumberApplicationInput!]!) { evaluateNumberApplications(inputs: $a) { decisionId } }`;
    refused(await server.gql(one, { a: inputs(MAX_EVALUATIONS_PER_REQUEST + 1) }, server.keys.evaluator), 400, /at most 1000/);
    await nothingWritten();
    const full = await server.gql(one, { a: inputs(MAX_EVALUATIONS_PER_REQUEST) }, server.keys.evaluator);
    expect(full.errors).toBeUndefined();
    expect(full.data.evaluateNumberApplications).toHaveLength(1000);
  });

  it(`refuses a query whose cost exceeds ${ABUSE_LIMITS.maxCost} (page sizes multiply)`, async () => {
    const page = (first: number) => `{ decisions(first: ${first}) { edges { cursor node { id kind input output caller createdAt } } } }`;
    refused(await server.gql(page(500), {}, server.keys.auditor), 400, /cost limit of 5000 exceeded/i);
    expect((await server.gql(page(100), {}, server.keys.auditor)).errors).toBeUndefined();
  });

  it(`refuses documents over ${ABUSE_LIMITS.maxTokens} tokens and over ${ABUSE_LIMITS.maxDirectives} directives`, async () => {
    const inline = Array.from({ length: 1100 }, (_, i) => `{ description: "d${i}" }`).join(', ');
    refused(await server.gql(`{ evaluateNumberApplications(inputs: [${inline}]) { decisionId } }`, {}, server.keys.evaluator), 400, /more that 5000 tokens/i);
    const directives = `{ rulesets { key ${Array.from({ length: ABUSE_LIMITS.maxDirectives + 1 }, () => '@include(if: true)').join(' ')} } }`;
    refused(await server.gql(directives), 400, /directive/i);
    await nothingWritten();
  });

  it(`refuses more than ${ABUSE_LIMITS.maxOperationsPerDocument} operations in one document, and batched HTTP requests`, async () => {
    const document = Array.from({ length: ABUSE_LIMITS.maxOperationsPerDocument + 1 }, (_, i) => `query Q${i} { ${EVALUATE} }`).join('\n');
    const response = await post(server.url, JSON.stringify({ query: document, operationName: 'Q0' }), { authorization: `Bearer ${server.keys.evaluator}` });
    expect(response.status).toBe(400);
    expect(response.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(response.json.errors[0].message).toMatch(/at most 10 operations/);

    const batch = await post(server.url, JSON.stringify([{ query: `{ ${EVALUATE} }` }, { query: `{ ${EVALUATE} }` }]), {
      authorization: `Bearer ${server.keys.evaluator}`,
    });
    expect(batch.status).toBe(400);
    expect(batch.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    await nothingWritten();
  });

  it('answers 413 to a body over MAX_BODY_BYTES, declared or streamed', async () => {
    const big = JSON.stringify({ query: `{ ${EVALUATE} }`, variables: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    const declared = await post(server.url, big, { authorization: `Bearer ${server.keys.evaluator}` });
    expect(declared.status).toBe(413);
    expect(declared.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    // No content-length: a chunked body that grows past the limit, then nothing more is sent,
    // so the server has read everything when it answers and closes: a reset would be a failure.
    const streamed = await streamPastLimit(server.url, DEFAULT_MAX_BODY_BYTES + 1);
    expect(streamed.status).toBe(413);
    expect(streamed.response).toContain('"code":"BAD_USER_INPUT"');
    await nothingWritten();
  });

  it('refuses long descriptions, large or deep facts, with the path of each problem', async () => {
    const query = 'query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId } }';
    const long = await server.gql(query, { input: { description: '物'.repeat(INPUT_LIMITS.descriptionChars + 1) } }, server.keys.evaluator);
    refused(long, 200, /input\.description must be at most 2000 characters/);
    expect(long.errors?.[0].extensions?.issues).toEqual([{ path: 'input.description', message: expect.stringMatching(/at most 2000/) }]);

    const facts = { blob: 'x'.repeat(INPUT_LIMITS.factsBytes) };
    refused(await server.gql(query, { input: { description: '物流通知', facts } }, server.keys.evaluator), 200, /input\.facts must be at most 16384 bytes/);

    const nest = (levels: number) => {
      let deep: unknown = 1;
      for (let i = 0; i < levels; i++) deep = { n: deep };
      return deep;
    };
    refused(
      await server.gql(query, { input: { description: '物流通知', facts: nest(9) } }, server.keys.evaluator),
      200,
      /input\.facts must be nested at most 8 levels/,
    );
    // Any variable nested past 32 levels is refused before execution, whatever the field.
    refused(await server.gql(query, { input: { description: '物流通知', facts: nest(50) } }, server.keys.evaluator), 400, /nested at most 32 levels/);

    const violation = 'mutation($input: ViolationInput!) { recordViolation(input: $input) { decisionId } }';
    const longViolation = await server.gql(
      violation,
      { input: { enterpriseId: 'e-1', behavior: 'FRAUD_COMPLAINT', verified: true, actualBusiness: 'x'.repeat(INPUT_LIMITS.descriptionChars + 1) } },
      server.keys.evaluator,
    );
    refused(longViolation, 200, /input\.actualBusiness must be at most/);
    await nothingWritten();
  });

  describe('a request that evaluates is refused or answered as a whole', () => {
    const two = `query($first: NumberApplicationInput!, $second: NumberApplicationInput!, $key: ID!) {
      first: evaluateNumberApplication(input: $first) { decisionId }
      second: evaluateNumberApplication(rulesetKey: $key, input: $second) { decisionId }
    }`;

    it('refuses every alias when one alias has input over a limit, logging none', async () => {
      const response = await server.gql(
        two,
        { first: { description: '物流通知' }, second: { description: '物'.repeat(INPUT_LIMITS.descriptionChars + 1) }, key: 'ccc-access' },
        server.keys.evaluator,
      );
      refused(response, 400, /input\.description must be at most 2000 characters/);
      expect(response.errors?.[0].extensions?.issues).toEqual([{ path: 'input.description', message: expect.stringMatching(/at most 2000/) }]);
      expect(response.data ?? null).toBeNull();
      await nothingWritten();
    });

    it('refuses every alias when one alias names an unknown ruleset, logging none', async () => {
      const response = await server.gql(
        two,
        { first: { description: '物流通知' }, second: { description: '物流通知' }, key: 'no-such-ruleset' },
        server.keys.evaluator,
      );
      expect(response.status).toBe(404);
      expect(response.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(response.errors?.[0].message).toMatch(/no-such-ruleset/);
      await nothingWritten();
    });

    it('refuses an operation that mixes evaluations with other fields, so a failing sibling cannot orphan a logged decision', async () => {
      const mixed = await server.gql(`{ ${EVALUATE} decisions(first: 1) { totalCount } }`, {}, server.keys.evaluator);
      refused(mixed, 400, /only evaluations; send decisions in an operation of its own/);
      const mixedMutation = await server.gql(
        `mutation { recordViolation(input: { enterpriseId: "e-mixed", behavior: "FRAUD_COMPLAINT", verified: true }) { decisionId } revokeApiKey(id: "00000000-0000-0000-0000-000000000000") }`,
        {},
        server.keys.admin,
      );
      refused(mixedMutation, 400, /send revokeApiKey in an operation of its own/);
      await nothingWritten();
    });

    it('answers and logs every alias when all are valid', async () => {
      const response = await server.gql(
        two,
        { first: { description: '物流通知' }, second: { description: '医院挂号提醒' }, key: 'ccc-access' },
        server.keys.evaluator,
      );
      expect(response.errors).toBeUndefined();
      const ids = [response.data.first.decisionId, response.data.second.decisionId];
      const [{ count }] = await server.dataSource.query('SELECT count(*)::int AS count FROM decision_log WHERE id = ANY($1::uuid[])', [ids]);
      expect(count).toBe(2);
    });
  });

  it('bounds the free text of rulesets and versions, refusing before anything is stored', async () => {
    const create = `mutation($name: String!, $description: String, $message: String) {
      createRuleset(key: "bounded-text", name: $name, description: $description, defaultMessage: $message) { key }
    }`;
    const long = (n: number) => '长'.repeat(n + 1);
    for (const [variables, path] of [
      [{ name: long(AUTHORING_TEXT_LIMITS.name) }, 'name'],
      [{ name: 'ok', description: long(AUTHORING_TEXT_LIMITS.description) }, 'description'],
      [{ name: 'ok', message: long(AUTHORING_TEXT_LIMITS.message) }, 'defaultMessage'],
    ] as const) {
      const response = await server.gql(create, variables, server.keys.admin);
      refused(response, 200, new RegExp(`${path} must be at most`));
      expect(response.errors?.[0].extensions?.issues).toEqual([{ path, message: expect.stringMatching(/at most/) }]);
    }
    await nothingWritten();
    const draft = await server.gql('mutation { createDraft(rulesetKey: "ccc-access") { id revision } }', {}, server.keys.editor);
    before = await rowCounts(server.dataSource);
    const publish = await server.gql(
      'mutation($id: ID!, $rev: Int!, $changelog: String!) { publishDraft(draftId: $id, expectedRevision: $rev, changelog: $changelog) { number } }',
      { id: draft.data.createDraft.id, rev: draft.data.createDraft.revision, changelog: long(AUTHORING_TEXT_LIMITS.changelog) },
      server.keys.publisher,
    );
    refused(publish, 200, /changelog must be at most 4000 characters/);
    await nothingWritten();
  });
});
