import {
  getNamedType,
  getVariableValues,
  GraphQLInputType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  OperationDefinitionNode,
  parse,
} from 'graphql';
import { buildPolicySchema } from '../../src/composition/schema';
import { rowCounts } from '../helpers/row-counts';
import { buildOperation, dummyValue, rootFields, RootField } from '../helpers/schema-operations';
import { GraphQLResponse, startTestServer, TestServer } from '../helpers/test-server';

const CONTRACT_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'VALIDATION_FAILED'];

/** Strings an attacker or a broken client sends. */
const HOSTILE_STRINGS: Record<string, string> = {
  sql: "x'; DROP TABLE decision_log; --",
  sqlUnion: "' OR 1=1 UNION SELECT key_hash FROM api_key --",
  placeholders: '$1 %s %n {{7*7}} ${7*7} \\x00',
  nul: 'a\u0000b',
  control: 'bell\u0007 esc\u001b[31m del\u007f',
  loneHigh: 'x\ud800',
  loneLow: '\udc00y',
  rtl: 'abc\u202egnp.exe\u202c \u200f',
  emoji: '物流通知 😀👨‍👩‍👧‍👦 🇨🇳',
  long: '物'.repeat(50_000) + 'x'.repeat(50_000),
  empty: '',
  blank: ' \t\n ',
  path: '../../../../etc/passwd',
  proto: '__proto__',
};

/** Values of the wrong type, or out of range, for each named input type. */
function wrongValues(type: GraphQLInputType): unknown[] {
  const named = getNamedType(type);
  if (isEnumType(named)) return ['NOPE', named.getValues()[0].value.toLowerCase(), 1, ''];
  if (isInputObjectType(named)) return ['not an object', 42, []];
  if (isScalarType(named)) {
    switch (named.name) {
      case 'Int':
        return ['1', 1.5, 2 ** 40, -2147483648, true];
      case 'Boolean':
        return ['true', 1];
      case 'DateTime':
        return ['not a time', '2026-13-45T25:61:00Z', 1e20, '', '0000-01-01T00:00:00Z'];
      case 'JSON':
        return ['a string', [1, 2], 7, { nul: 'a\u0000b' }, { ['k\u0000']: 1 }, { lone: '\ud800' }, { __proto__x: { constructor: { prototype: 1 } } }];
      default:
        return [...Object.values(HOSTILE_STRINGS), 17, true, { $gt: '' }];
    }
  }
  return [];
}

interface Target {
  /** Argument path, e.g. ['rule', 'keywords']. */
  path: string[];
  type: GraphQLInputType;
}

/** Every argument and every input-object field below it (one list item deep). */
function targets(rootField: RootField): Target[] {
  const out: Target[] = [];
  const walk = (path: string[], type: GraphQLInputType, depth: number) => {
    out.push({ path, type });
    const named = getNamedType(type);
    if (isInputObjectType(named) && depth < 3) {
      for (const field of Object.values(named.getFields())) walk([...path, field.name], field.type, depth + 1);
    }
  };
  for (const arg of rootField.field.args) walk([arg.name], arg.type, 0);
  return out;
}

/** Sets `value` at `path` inside argument values, filling intermediate objects (and first list items) with dummies. */
function withValue(args: Record<string, unknown>, rootField: RootField, target: Target, value: unknown): Record<string, unknown> {
  const copy = structuredClone(args);
  const [head, ...rest] = target.path;
  if (rest.length === 0) {
    copy[head] = value;
    return copy;
  }
  const argType = rootField.field.args.find((arg) => arg.name === head)!.type;
  if (copy[head] === undefined || copy[head] === null) copy[head] = dummyValue(argType, head);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks and fills argument values of every input type along a path
  let node: any = copy[head];
  if (Array.isArray(node)) node = node[0];
  for (let i = 0; i < rest.length - 1; i++) {
    node = node[rest[i]] ?? (node[rest[i]] = {});
    if (Array.isArray(node)) node = node[0];
  }
  node[rest[rest.length - 1]] = isListType(unwrapNonNull(target.type)) && !Array.isArray(value) && typeof value === 'string' ? [value] : value;
  return copy;
}

const unwrapNonNull = (type: GraphQLInputType): GraphQLInputType => (isNonNullType(type) ? type.ofType : type);

/** Whether the variables fail GraphQL's own coercion (wrong type, unknown enum value...): refused before any resolver runs. */
function illTyped(schema: GraphQLSchema, query: string, variables: Record<string, unknown>): boolean {
  const operation = parse(query).definitions[0] as OperationDefinitionNode;
  return 'errors' in getVariableValues(schema, operation.variableDefinitions ?? [], variables);
}

describe('hostile input in every argument of every operation', () => {
  let server: TestServer;
  let schema: GraphQLSchema;
  let draftId: string;
  let decisionId: string;

  beforeAll(async () => {
    server = await startTestServer();
    schema = await buildPolicySchema();
    const evaluated = await server.gql('{ evaluateNumberApplication(input: { description: "物流通知" }) { decisionId } }', {}, server.keys.evaluator);
    decisionId = evaluated.data.evaluateNumberApplication.decisionId;
  });
  afterAll(() => server.close());

  /** A live draft of ccc-access and its current revision (a new one when the last was published). */
  async function currentDraft(): Promise<{ id: string; revision: number }> {
    if (draftId) {
      const { data } = await server.gql('query($id: ID!) { rulesetVersion(id: $id) { status revision } }', { id: draftId });
      if (data?.rulesetVersion?.status === 'DRAFT') return { id: draftId, revision: data.rulesetVersion.revision };
    }
    const created = await server.gql('mutation { createDraft(rulesetKey: "ccc-access") { id revision } }', {}, server.keys.editor);
    if (created.errors) throw new Error(JSON.stringify(created.errors));
    draftId = created.data.createDraft.id;
    return { id: draftId, revision: created.data.createDraft.revision };
  }

  /** Meaningful values for the arguments a field needs before it reaches the hostile one. */
  async function baseArgs(rootField: RootField): Promise<Record<string, unknown>> {
    const base: Record<string, unknown> = {};
    const names = rootField.field.args.map((arg) => arg.name);
    if (names.includes('rulesetKey')) base.rulesetKey = 'ccc-access';
    if (names.includes('draftId') && rootField.name !== 'discardDraft' && rootField.name !== 'diffVersions') {
      const draft = await currentDraft();
      base.draftId = draft.id;
      if (names.includes('expectedRevision')) base.expectedRevision = draft.revision;
    }
    if (rootField.name === 'decision' || rootField.name === 'replayDecision') base.id = decisionId;
    if (rootField.name === 'rulesetVersion') base.id = (await currentDraft()).id;
    if (rootField.name === 'retireVersion') base.number = 999;
    if (rootField.name === 'diffVersions') base.from = 0;
    if (rootField.name === 'publishDraft') base.changelog = 'hostile';
    if (rootField.name === 'createRuleset') base.key = `hostile-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    if (names.includes('input') && rootField.name !== 'evaluateNumberApplication') {
      base.input = { enterpriseId: 'ent-hostile', behavior: 'FRAUD_COMPLAINT', verified: true };
    } else if (names.includes('input')) {
      base.input = { description: '物流通知' };
    }
    if (names.includes('inputs')) base.inputs = [{ description: '物流通知' }];
    if (rootField.name === 'createApiKey') base.roles = ['evaluator'];
    return base;
  }

  it('answers each with a contract error that writes nothing, or treats it as plain data; the log still verifies', async () => {
    const problems: string[] = [];
    let requests = 0;
    let accepted = 0;
    for (const rootField of rootFields(schema)) {
      for (const target of targets(rootField)) {
        for (const value of wrongValues(target.type)) {
          const base = await baseArgs(rootField);
          const args = withValue(base, rootField, target, value);
          const { query, variables } = buildOperation(rootField, args);
          const before = await rowCounts(server.dataSource);
          let response: GraphQLResponse;
          try {
            response = await server.gql(query, variables, server.keys.admin);
          } catch (error) {
            problems.push(`${rootField.name}(${target.path.join('.')}=${JSON.stringify(value).slice(0, 40)}): no JSON answer: ${(error as Error).message}`);
            continue;
          }
          requests++;
          const label = `${rootField.name}(${target.path.join('.')}=${JSON.stringify(value).slice(0, 40)})`;
          const wrongType = illTyped(schema, query, variables);
          if (wrongType && !response.errors?.length) problems.push(`${label}: a value of the wrong type was accepted`);
          if (response.errors?.length) {
            // A value of the wrong type has exactly one answer; a well-typed one the domain refuses, one of the contract codes.
            const allowed = wrongType ? ['BAD_USER_INPUT'] : CONTRACT_CODES;
            for (const error of response.errors) {
              const code = error.extensions?.code as string;
              if (!allowed.includes(code)) problems.push(`${label}: ${code} ${error.message.slice(0, 200)}`);
            }
            if (response.data?.[rootField.name] != null) problems.push(`${label}: refused, yet answered ${JSON.stringify(response.data).slice(0, 100)}`);
            if (response.status >= 500) problems.push(`${label}: HTTP ${response.status}`);
            const after = await rowCounts(server.dataSource);
            if (JSON.stringify(after) !== JSON.stringify(before))
              problems.push(`${label}: refused but wrote ${JSON.stringify(after)} vs ${JSON.stringify(before)}`);
          } else {
            // Taken as plain data: a whole answer, no partial one.
            if (response.status !== 200 || response.data?.[rootField.name] === undefined)
              problems.push(`${label}: no error and no answer (HTTP ${response.status})`);
            accepted++;
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(requests).toBeGreaterThan(500);
    expect(accepted).toBeGreaterThan(0);
    const verified = await server.gql('{ verifyDecisionLog { valid checked firstBrokenId } }', {}, server.keys.auditor);
    expect(verified.data.verifyDecisionLog).toMatchObject({ valid: true });
  }, 240_000);

  it('evaluates SQL fragments, RTL overrides, emoji and control characters as plain data, logged exactly as sent', async () => {
    for (const name of ['sql', 'sqlUnion', 'placeholders', 'rtl', 'emoji', 'control', 'path']) {
      const description = HOSTILE_STRINGS[name];
      const response = await server.gql(
        'query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId decision } }',
        { input: { description, industry: description, facts: { note: description, [description]: 1 } } },
        server.keys.evaluator,
      );
      expect([name, response.errors]).toEqual([name, undefined]);
      const id = response.data.evaluateNumberApplication.decisionId;
      const logged = await server.gql('query($id: ID!) { decision(id: $id) { input } }', { id }, server.keys.auditor);
      expect(logged.data.decision.input).toMatchObject({ description, industry: description, facts: { note: description, [description]: 1 } });
    }
    const tables = await rowCounts(server.dataSource);
    expect(tables.decision_log).toBeGreaterThan(0);
    expect(tables.api_key).toBeGreaterThan(0);
  });

  it('refuses NUL characters and lone surrogates anywhere in text with BAD_USER_INPUT', async () => {
    const evaluate = 'query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId } }';
    const cases = [
      { description: HOSTILE_STRINGS.nul },
      { description: HOSTILE_STRINGS.loneHigh },
      { description: HOSTILE_STRINGS.loneLow },
      { description: 'ok', industry: 'x\ud83d' },
      { description: 'ok', facts: { note: 'a\u0000' } },
      { description: 'ok', facts: { ['\ud800']: 1 } },
      { description: 'ok', facts: { list: [['\udfff']] } },
    ];
    for (const input of cases) {
      const response = await server.gql(evaluate, { input }, server.keys.evaluator);
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses facts nested thousands of levels deep, and numbers JSON cannot hold, without crashing', async () => {
    // Built as text: JSON.stringify itself recurses and would overflow on the client.
    const levels = 100_000;
    const deepFacts = `${'{"d":'.repeat(levels)}"bottom"${'}'.repeat(levels)}`;
    const deepBody = `{"query":"query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId } }","variables":{"input":{"description":"ok","facts":${deepFacts}}}}`;
    const deepResponse = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys.evaluator}` },
      body: deepBody,
    });
    expect(deepResponse.status).toBe(400);
    const deepJson = await deepResponse.json();
    expect(deepJson.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(deepJson.errors[0].message).toMatch(/nested at most 32 levels/);

    let nine: unknown = 1;
    for (let i = 0; i < 9; i++) nine = { d: nine };
    const nineResponse = await server.gql(
      'query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId } }',
      { input: { description: 'ok', facts: nine } },
      server.keys.evaluator,
    );
    expect(nineResponse.errors?.[0].message).toMatch(/input\.facts must be nested at most 8 levels/);

    const raw = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys.evaluator}` },
      body: '{"query":"query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId } }","variables":{"input":{"description":"ok","facts":{"n":1e400}}}}',
    });
    const body = await raw.json();
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('refuses hostile bearer tokens as UNAUTHENTICATED', async () => {
    for (const header of ["Bearer ' OR 1=1 --", 'Bearer', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'k'.repeat(10_000)}`, 'Bearer ccc_%00%27']) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: header },
        body: JSON.stringify({ query: '{ rulesets { key } }' }),
      });
      expect(response.status).toBe(401);
      expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });
});
