import 'reflect-metadata';
import { GraphQLSchema, Kind, OperationDefinitionNode, parse, validate } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { exampleTabs } from '../../../src/graphiql/example-operations';
import { renderGraphiQLPage } from '../../../src/graphiql/graphiql-page';
import { buildPolicySchema } from '../../../src/composition/schema';
import { isAllowed, ROLE_MATRIX } from '../../helpers/role-matrix';

const operationsOf = (query: string): OperationDefinitionNode[] =>
  parse(query).definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);

const rootFieldsOf = (operation: OperationDefinitionNode): string[] =>
  operation.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.name.value] : []));

const accessOf = (operation: OperationDefinitionNode, field: string) => ROLE_MATRIX[operation.operation === 'mutation' ? 'Mutation' : 'Query'][field];

/** GraphiQL titles a tab with its first operation's name. */
const titleOf = (query: string): string => operationsOf(query)[0].name!.value;

/**
 * Mutations a tab may hold because running one as written loses nothing: each adds (a draft,
 * a test case, keywords, a version through review, a decision) or changes standing only as
 * its own purpose says. Whole-rule upserts, removals, discards, retirements and key changes
 * are left out: an example run as written must not drop what the user did not resend.
 */
const NON_DESTRUCTIVE_MUTATIONS = new Set([
  'createDraft',
  'editBusinessRule',
  'upsertTestCase',
  'rebaseDraft',
  'publishDraft',
  'revertToVersion',
  'reinstateEnterprise',
  'recordViolation',
  'addTestCaseFromDecision',
  'recordReviewOutcome',
  'openAppeal',
]);

describe('the GraphiQL example operations', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildPolicySchema();
  });

  it('are valid against the current schema, so the policy team can run them as they are', () => {
    for (const tab of exampleTabs) {
      const errors = validate(schema, parse(tab.query)).map((error) => `${titleOf(tab.query)}: ${error.message}`);
      expect(errors).toEqual([]);
    }
  });

  it('cover the whole workflow: the policy team, services and auditors each have their tabs', () => {
    expect(exampleTabs.map((tab) => titleOf(tab.query))).toEqual([
      'CurrentPolicy',
      'CreateDraft',
      'PartialEdit',
      'ValidateWithTests',
      'DiffAgainstLatest',
      'TryDraft',
      'ImpactAnalysis',
      'PolicyQuality',
      'Publish',
      'Rebase',
      'Revert',
      'Reinstate',
      'DecideOne',
      'DecideBatch',
      'JudgeViolation',
      'ReviewQueue',
      'ReviewCase',
      'RecordOutcome',
      'Decisions',
      'Replay',
      'VerifyLog',
    ]);
    const rootFields = new Set(exampleTabs.flatMap((tab) => operationsOf(tab.query).flatMap(rootFieldsOf)));
    for (const field of [
      'ruleset',
      'createDraft',
      'editBusinessRule',
      'upsertTestCase',
      'validateDraft',
      'testDraft',
      'diffDraft',
      'evaluateDraft',
      'impactAnalysis',
      'publishDraft',
      'rebaseDraft',
      'revertToVersion',
      'reinstateEnterprise',
      'evaluateNumberApplication',
      'evaluateNumberApplications',
      'evaluateViolation',
      'recordViolation',
      'decisions',
      'replayDecision',
      'verifyDecisionLog',
      'policyQuality',
      'addTestCaseFromDecision',
      'reviewQueue',
      'reviewCase',
      'recordReviewOutcome',
      'openAppeal',
    ]) {
      expect([field, rootFields.has(field)]).toEqual([field, true]);
    }
  });

  it('offer variables that parse and coerce to every operation in their tab, placeholders included', () => {
    for (const tab of exampleTabs) {
      const variables = JSON.parse(tab.variables) as Record<string, unknown>;
      expect(typeof variables).toBe('object');
      const declared = new Set<string>();
      for (const operation of operationsOf(tab.query)) {
        const definitions = operation.variableDefinitions ?? [];
        for (const definition of definitions) declared.add(definition.variable.name.value);
        const coerced = getVariableValues(schema, definitions, variables);
        expect([operation.name?.value, coerced.errors?.map((error) => error.message) ?? []]).toEqual([operation.name?.value, []]);
      }
      // Every variable is shown (optional ones as null) so the user sees what can be set, and
      // none is left over from an operation that no longer takes it.
      expect([titleOf(tab.query), Object.keys(variables).sort()]).toEqual([titleOf(tab.query), [...declared].sort()]);
    }
  });

  it('ask for a placeholder the user replaces wherever a value depends on their data', () => {
    const byTitle = new Map(exampleTabs.map((tab) => [titleOf(tab.query), JSON.parse(tab.variables) as Record<string, unknown>]));
    for (const title of ['PartialEdit', 'ValidateWithTests', 'DiffAgainstLatest', 'TryDraft', 'ImpactAnalysis', 'Publish', 'Rebase']) {
      expect([title, byTitle.get(title)!.draftId]).toEqual([title, '<draft id from CreateDraft>']);
    }
    expect(byTitle.get('Replay')!.id).toBe('<decision id from Decisions>');
    expect(byTitle.get('PolicyQuality')!.draftId).toBe('<draft id from CreateDraft>');
    for (const title of ['ReviewCase', 'RecordOutcome']) expect([title, byTitle.get(title)!.decisionId]).toEqual([title, '<decision id from ReviewQueue>']);
  });

  it('say in their first line which role runs them, and hold only operations such a key may run', () => {
    for (const tab of exampleTabs) {
      const title = titleOf(tab.query);
      const firstLine = tab.query.split('\n')[0].toLowerCase();
      expect(firstLine.startsWith('#')).toBe(true);
      for (const role of tab.roles) expect([title, role, firstLine.includes(role) || firstLine.includes('any key')]).toEqual([title, role, true]);

      const [main, ...others] = operationsOf(tab.query);
      for (const field of rootFieldsOf(main)) {
        const access = accessOf(main, field);
        expect([title, field, access !== undefined]).toEqual([title, field, true]);
        for (const role of tab.roles) expect([title, field, role, isAllowed(access, role)]).toEqual([title, field, role, true]);
      }
      // A further operation in the tab may need another role (its own comment says which), but
      // one of the tab's roles must be able to run it with the key the header asks for.
      for (const operation of others) {
        for (const field of rootFieldsOf(operation)) {
          const access = accessOf(operation, field);
          expect([title, field, tab.roles.some((role) => isAllowed(access, role))]).toEqual([title, field, true]);
        }
      }
    }
  });

  it('destroy nothing when run as written: edits are partial and nothing is removed or replaced whole', () => {
    for (const tab of exampleTabs) {
      for (const operation of operationsOf(tab.query).filter((candidate) => candidate.operation === 'mutation')) {
        for (const field of rootFieldsOf(operation))
          expect([operation.name?.value, field, NON_DESTRUCTIVE_MUTATIONS.has(field)]).toEqual([operation.name?.value, field, true]);
      }
    }
    // The case: adding a keyword sends only the keyword, never the rule's whole list.
    const partialEdit = exampleTabs.find((tab) => titleOf(tab.query) === 'PartialEdit')!;
    expect(partialEdit.query).toContain('editBusinessRule(');
    expect((JSON.parse(partialEdit.variables) as { patch: object }).patch).toEqual({ addKeywords: expect.any(Array) });
  });
});

describe('the GraphiQL page', () => {
  // The page inlines all of GraphiQL (megabytes): compare booleans so a failure names the
  // missing text, not the whole page.
  const headers = (key: string) => JSON.stringify(JSON.stringify({ Authorization: `Bearer ${key}` }, null, 2));

  it('opens every example tab, pre-filled with the development key in local development', () => {
    const html = renderGraphiQLPage('dev-key-123').html.toString('utf8');
    for (const tab of exampleTabs) expect([titleOf(tab.query), html.includes(JSON.stringify(tab.query))]).toEqual([titleOf(tab.query), true]);
    expect(html.split(headers('dev-key-123')).length - 1).toBeGreaterThanOrEqual(exampleTabs.length);
  });

  it('asks for a key of a role that runs each tab when there is no development key', () => {
    const html = renderGraphiQLPage(null).html.toString('utf8');
    expect(html.includes('dev-key-123')).toBe(false);
    expect(html.includes(headers('<your API key: publisher>'))).toBe(true);
    expect(html.includes(headers('<your API key: editor or publisher>'))).toBe(true);
    expect(html.includes(headers('<your API key: any role>'))).toBe(true);
  });
});
