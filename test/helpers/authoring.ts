import { TestServer } from './test-server';

/** GraphQL operations the authoring tests share. */
export const UPSERT_BUSINESS_RULE = `mutation($id: ID!, $rev: Int!, $rule: BusinessRuleInput!) {
  upsertBusinessRule(draftId: $id, expectedRevision: $rev, rule: $rule) { id revision contentHash }
}`;
export const PUBLISH = `mutation($id: ID!, $rev: Int!, $changelog: String!, $effectiveFrom: DateTime) {
  publishDraft(draftId: $id, expectedRevision: $rev, changelog: $changelog, effectiveFrom: $effectiveFrom) { id number status contentHash publishedBy editors }
}`;

export function businessRule(key: string, keywords: string[], overrides: Record<string, unknown> = {}) {
  return {
    key,
    industry: '金融',
    scenario: key,
    effect: 'REJECT',
    keywords,
    message: '目前不支持为该业务申请号码，请谅解',
    ...overrides,
  };
}

/** A draft of `rulesetKey` (copying the version in effect), opened by the editor key. */
export async function openDraft(server: TestServer, rulesetKey = 'ccc-access', key = server.keys.editor): Promise<{ id: string; revision: number }> {
  const response = await server.gql(`mutation($k: ID!) { createDraft(rulesetKey: $k) { id revision } }`, { k: rulesetKey }, key);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data.createDraft;
}

/** Adds or replaces a business rule; returns the new revision. */
export async function upsertRule(server: TestServer, draftId: string, revision: number, rule: object, key = server.keys.editor): Promise<number> {
  const response = await server.gql(UPSERT_BUSINESS_RULE, { id: draftId, rev: revision, rule }, key);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data.upsertBusinessRule.revision;
}

/** A new ruleset (admin) with maker-checker as given. */
export async function createRuleset(server: TestServer, key: string, makerChecker = true): Promise<void> {
  const response = await server.gql(
    `mutation($key: ID!, $name: String!, $mc: Boolean!) { createRuleset(key: $key, name: $name, makerChecker: $mc) { key } }`,
    { key, name: key, mc: makerChecker },
    server.keys.admin,
  );
  if (response.errors) throw new Error(JSON.stringify(response.errors));
}
