import { Role } from '../../src/common/roles';

/**
 * Who may call each Query and Mutation field: the one table the role-matrix test walks
 * and the README's Security section shows. `any` = any valid key; otherwise the listed
 * roles (admin implies every role, so it is never listed). A field of the schema missing
 * here fails the test.
 */
export type Access = 'any' | readonly Exclude<Role, 'admin'>[];

export const ROLE_MATRIX: Record<'Query' | 'Mutation', Record<string, Access>> = {
  Query: {
    rulesets: 'any',
    ruleset: 'any',
    rulesetVersion: 'any',
    validateDraft: 'any',
    diffVersions: 'any',
    diffDraft: 'any',
    testDraft: 'any',
    // The draft playground writes nothing; it is the policy team's, not the services'.
    evaluateDraft: ['editor', 'publisher'],
    evaluateNumberApplication: ['evaluator'],
    evaluateNumberApplications: ['evaluator'],
    evaluateViolation: ['evaluator'],
    enterprise: ['evaluator', 'auditor'],
    // Evaluators may also read a decision returned to them in the same request.
    decision: ['auditor'],
    decisions: ['auditor'],
    replayDecision: ['auditor'],
    verifyDecisionLog: ['auditor'],
    // The policy team runs a draft against real history before publishing it.
    impactAnalysis: ['auditor', 'editor', 'publisher'],
    auditEvents: ['editor', 'publisher', 'auditor'],
    // Reviewers work the queue; the policy team and auditors read the quality report (counts only).
    reviewQueue: ['reviewer'],
    reviewCase: ['reviewer'],
    policyQuality: ['editor', 'publisher', 'auditor', 'reviewer'],
    apiKeys: [],
  },
  Mutation: {
    createRuleset: [],
    createDraft: ['editor'],
    setDefaultDecision: ['editor'],
    setReinstatementPolicy: ['editor'],
    setContextCues: ['editor'],
    setVariants: ['editor'],
    setDistinctWords: ['editor'],
    upsertBusinessRule: ['editor'],
    upsertViolationRule: ['editor'],
    upsertPenaltyMapping: ['editor'],
    removeRule: ['editor'],
    editBusinessRule: ['editor'],
    rebaseDraft: ['editor'],
    upsertTestCase: ['editor'],
    upsertViolationTestCase: ['editor'],
    removeTestCase: ['editor'],
    revertToVersion: ['editor', 'publisher'],
    publishDraft: ['publisher'],
    discardDraft: ['publisher'],
    retireVersion: ['publisher'],
    recordViolation: ['evaluator'],
    // The policy team decides that a rectification is done; evaluators only report violations.
    reinstateEnterprise: ['publisher'],
    // The service that got a REJECT (for its applicant) or a reviewer opens an appeal; only reviewers answer.
    openAppeal: ['evaluator', 'reviewer'],
    recordReviewOutcome: ['reviewer'],
    addTestCaseFromDecision: ['editor'],
    createApiKey: [],
    revokeApiKey: [],
  },
};

export const MATRIX_ROLES: readonly Role[] = ['admin', 'editor', 'publisher', 'evaluator', 'auditor', 'reviewer'];

export function isAllowed(access: Access, role: Role): boolean {
  return role === 'admin' || access === 'any' || (access as readonly Role[]).includes(role);
}

/** The matrix as a Markdown table (the README's Security section holds this output). */
export function roleMatrixMarkdown(): string {
  const lines = [`| operation | ${MATRIX_ROLES.join(' | ')} |`, `|---|${MATRIX_ROLES.map(() => ':-:').join('|')}|`];
  for (const [type, fields] of Object.entries(ROLE_MATRIX)) {
    for (const [field, access] of Object.entries(fields)) {
      const cells = MATRIX_ROLES.map((role) => (isAllowed(access, role) ? '✓' : '—'));
      lines.push(`| ${type === 'Mutation' ? 'mutation ' : ''}\`${field}\` | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
