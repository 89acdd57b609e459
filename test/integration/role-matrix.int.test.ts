import fs from 'node:fs';
import path from 'node:path';
import { buildPolicySchema } from '../../src/composition/schema';
import { isAllowed, MATRIX_ROLES, ROLE_MATRIX, roleMatrixMarkdown } from '../helpers/role-matrix';
import { buildOperation, rootFields, RootField } from '../helpers/schema-operations';
import { postGraphQL, startTestServer, TestServer } from '../helpers/test-server';

const DENIALS = ['FORBIDDEN', 'UNAUTHENTICATED'];

describe('the role matrix: every Query and Mutation field against every role', () => {
  let server: TestServer;
  let fields: RootField[];
  beforeAll(async () => {
    server = await startTestServer();
    fields = rootFields(await buildPolicySchema());
  });
  afterAll(() => server.close());

  it('has exactly one matrix entry per operation of the schema (a new operation needs a decision here)', () => {
    const inSchema = fields.map((f) => `${f.root}.${f.name}`).sort();
    const inMatrix = Object.entries(ROLE_MATRIX)
      .flatMap(([root, entries]) => Object.keys(entries).map((name) => `${root}.${name}`))
      .sort();
    expect(inMatrix).toEqual(inSchema);
  });

  it('allows or refuses with FORBIDDEN exactly as the matrix says, for every cell', async () => {
    const mismatches: string[] = [];
    for (const rootField of fields) {
      const access = ROLE_MATRIX[rootField.root][rootField.name];
      if (access === undefined) continue; // reported by the test above
      const { query, variables } = buildOperation(rootField);
      for (const role of MATRIX_ROLES) {
        const response = await postGraphQL(server.url, query, variables, server.keys[role]);
        const codes = (response.errors ?? []).map((error) => error.extensions?.code);
        const denied = codes.some((code) => DENIALS.includes(code as string));
        if (isAllowed(access, role)) {
          if (denied) mismatches.push(`${rootField.root}.${rootField.name} as ${role}: expected allowed, got ${codes.join(', ')}`);
        } else if (!(codes.length === 1 && codes[0] === 'FORBIDDEN')) {
          mismatches.push(`${rootField.root}.${rootField.name} as ${role}: expected FORBIDDEN, got ${codes.join(', ') || 'no error'}`);
        }
        // Whatever the outcome, every error carries a code.
        for (const error of response.errors ?? []) {
          if (typeof error.extensions?.code !== 'string')
            mismatches.push(`${rootField.root}.${rootField.name} as ${role}: error without code: ${error.message}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses every operation without a key as UNAUTHENTICATED', async () => {
    const mismatches: string[] = [];
    for (const rootField of fields) {
      const { query, variables } = buildOperation(rootField);
      const response = await postGraphQL(server.url, query, variables, null);
      const codes = (response.errors ?? []).map((error) => error.extensions?.code);
      if (!(codes.length === 1 && codes[0] === 'UNAUTHENTICATED')) mismatches.push(`${rootField.name}: ${codes.join(', ') || 'no error'}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("says what is missing: the header without a key, the roles that would do and the key's own with one", async () => {
    const anonymous = await postGraphQL(server.url, '{ enterprise(id: "e") { id } }', {}, null);
    expect(anonymous.errors?.[0].message).toBe('an API key is required: send the header "Authorization: Bearer <key>"');
    const editor = await postGraphQL(server.url, '{ enterprise(id: "e") { id } }', {}, server.keys.editor);
    expect(editor.errors?.[0].message).toBe('Query.enterprise needs the role evaluator or auditor; this key has editor');
  });

  it('a key with several roles gets the union of their rights', async () => {
    const created = await server.gql('mutation { createApiKey(name: "two-hats", roles: ["evaluator", "auditor"]) { key } }');
    const key = created.data.createApiKey.key;
    const evaluate = await postGraphQL(server.url, 'query { evaluateNumberApplication(input: { description: "物流通知" }) { decision } }', {}, key);
    expect(evaluate.errors).toBeUndefined();
    const verify = await postGraphQL(server.url, 'query { verifyDecisionLog { valid } }', {}, key);
    expect(verify.errors).toBeUndefined();
    const keys = await postGraphQL(server.url, 'query { apiKeys { id } }', {}, key);
    expect(keys.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('is the table shown in the README Security section', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(roleMatrixMarkdown());
  });
});
