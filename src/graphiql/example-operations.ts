import type { Role } from '../common/roles';

/**
 * One ready-made GraphiQL tab. GraphiQL names a tab after its first operation, so that
 * operation is the step the tab is for; further operations in the same tab are picked from
 * the run button's menu.
 */
export interface ExampleTab {
  /**
   * The roles whose key runs every operation in the tab (admin runs everything). The tab's
   * first comment line names them, and the header placeholder asks for such a key when the
   * page has no development key to pre-fill.
   */
  roles: readonly Exclude<Role, 'admin'>[];
  query: string;
  /** JSON. Values the user must replace read `<...>`; a count or number is a real default. */
  variables: string;
}

const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** The placeholder for the draft the CreateDraft tab opens: the policy tabs all work on it. */
const DRAFT_ID = '<draft id from CreateDraft>';

/**
 * Ready-made GraphiQL tabs: the policy team's whole workflow in the order it is done, then
 * services, then reviewers, then auditors. None of them destroys anything: edits are partial
 * (`editBusinessRule`, never a whole-rule `upsertBusinessRule` that would drop the keywords it
 * does not resend), drafts are reviewed before publishing, and nothing is removed or retired.
 */
export const exampleTabs: readonly ExampleTab[] = [
  {
    roles: ['editor', 'publisher', 'evaluator', 'auditor', 'reviewer'],
    query: `# Any key: the ruleset in effect now, and every version it has had.
query CurrentPolicy($rulesetKey: ID!) {
  ruleset(key: $rulesetKey) {
    key
    name
    currentVersion {
      id number status contentHash effectiveFrom defaultDecision defaultMessage violationsCountAfterReinstatement
      businessRules { key industry scenario effect keywords excludeKeywords condition message source note }
      violationRules { key behavior title severity condition source note }
      penalties { severity label rank message actions { code label } escalation { count withinDays toSeverity } }
      testCases
    }
    versions { id number status revision parentNumber revertsTo changelog publishedBy effectiveFrom retiredAt }
  }
}
`,
    variables: json({ rulesetKey: 'ccc-access' }),
  },
  {
    roles: ['editor'],
    query: `# Editor: open a draft copying the version in effect now (fromVersion picks another).
# Keep its id: the next policy tabs take it as "draftId". A new draft is revision 0 and every
# edit returns the next revision, which the following edit passes as "revision".
mutation CreateDraft($rulesetKey: ID!) {
  createDraft(rulesetKey: $rulesetKey) { id revision status parentNumber contentHash }
}
`,
    variables: json({ rulesetKey: 'ccc-access' }),
  },
  {
    roles: ['editor'],
    query: `# Editor: change part of one rule without resending it; the rest of the rule stays.
# A patch takes addKeywords, removeKeywords, addExcludeKeywords, removeExcludeKeywords and any
# single field (effect, message, condition, ...; condition "" removes it).
# "revision" is the draft's revision now (CONFLICT when someone edited it meanwhile).
mutation PartialEdit($draftId: ID!, $revision: Int!, $key: ID!, $patch: BusinessRulePatchInput!) {
  editBusinessRule(draftId: $draftId, expectedRevision: $revision, key: $key, patch: $patch) {
    revision contentHash editors
  }
}
`,
    variables: json({ draftId: DRAFT_ID, revision: 0, key: 'finance.credit-card', patch: { addKeywords: ['额度提升', '信用卡邀约'] } }),
  },
  {
    roles: ['editor', 'publisher'],
    query: `# Editor or publisher (any key reads): everything publishDraft would refuse, each with its
# level (ERROR blocks publishing; WARNING, e.g. "based on v1, latest is v2", does not), and
# the draft's test cases run: each result, and the rules no case exercises.
query ValidateWithTests($draftId: ID!) {
  validateDraft(draftId: $draftId) { level path message }
  testDraft(draftId: $draftId) {
    passed failed
    results { key passed expected actual matchedRuleKeys failure }
    uncoveredRuleKeys
  }
}

# Editor: add a test case to the draft (pick AddTestCase from the run button's menu), then
# run ValidateWithTests again. Test cases are versioned with the rules and gate publishing.
mutation AddTestCase($draftId: ID!, $revision: Int!, $testCase: TestCaseInput!) {
  upsertTestCase(draftId: $draftId, expectedRevision: $revision, testCase: $testCase) { revision contentHash testCases }
}
`,
    variables: json({
      draftId: DRAFT_ID,
      revision: 1,
      testCase: {
        key: 'example.credit-card-limit-calls',
        input: { description: '我们做信用卡办理和额度提升的电话邀约', callDirection: 'OUTBOUND' },
        expectedDecision: 'REJECT',
        expectedRuleKeys: ['finance.credit-card'],
      },
    }),
  },
  {
    roles: ['editor', 'publisher'],
    query: `# Editor or publisher (any key reads): what publishing the draft would change, against the
# latest published version (not the one the draft was copied from).
query DiffAgainstLatest($draftId: ID!) {
  diffDraft(draftId: $draftId) { from fromHash toHash changes { kind action key change } }
}
`,
    variables: json({ draftId: DRAFT_ID }),
  },
  {
    roles: ['editor', 'publisher'],
    query: `# Editor or publisher: the draft playground. Decides one application against the draft, with
# evidence. Nothing is written to the decision log: the answer says draft: true and has no
# decisionId. (Services decide with DecideOne; this is for trying a change before publishing.)
query TryDraft($draftId: ID!, $input: NumberApplicationInput!) {
  evaluateDraft(draftId: $draftId, input: $input) {
    draft draftId revision contentHash decision message
    matches { ruleKey effect industry scenario message evidence }
  }
}
`,
    variables: json({ draftId: DRAFT_ID, input: { description: '我们做信用卡办理和额度提升的电话邀约', callDirection: 'OUTBOUND' } }),
  },
  {
    roles: ['editor', 'publisher', 'auditor'],
    query: `# Editor, publisher or auditor: replays the logged decisions against the draft and counts what
# would change. from/to (ISO times) bound the window; null replays the whole log.
# Auditors see samples with the logged inputs; the policy team sees counts per outcome and per
# rule only, over whole blocks of IMPACT_MIN_DECISIONS (default 100) logged decisions.
query ImpactAnalysis($rulesetKey: ID!, $draftId: ID!, $from: DateTime, $to: DateTime) {
  impactAnalysis(rulesetKey: $rulesetKey, candidateDraftId: $draftId, from: $from, to: $to, sampleSize: 10) {
    evaluated changed
    transitions { from to count }
    rules { ruleKey matchedBefore matchedAfter }
    samples { decisionId differences }
  }
}
`,
    variables: json({ rulesetKey: 'ccc-access', draftId: DRAFT_ID, from: null, to: null }),
  },
  {
    roles: ['editor', 'publisher', 'auditor', 'reviewer'],
    query: `# Editor, publisher, auditor or reviewer: the policy measured on real traffic. Per version and
# rule, the decisions of [from, to) against the reviewers' final answers: agreement, appeals
# upheld and overturned (a REJECT rule's precision), REVIEW decisions finally rejected and the
# rows reviewers named (rules.missed), FLAG precision, rules that never fired. Counts only.
query PolicyQuality($rulesetKey: ID!, $from: DateTime, $to: DateTime) {
  policyQuality(rulesetKey: $rulesetKey, from: $from, to: $to) {
    decisions reviewed agreement
    versions {
      versionNumber decisions reviewed agreement appeals appealsUpheld appealsOverturned reviewsRejected neverFired
      rules { ruleKey effect fired reviewed appealsUpheld appealsOverturned precision missed }
    }
  }
}

# Editor: a reviewed decision becomes a test case of the draft (key decision-<id>): REJECT when
# it was finally rejected, REVIEW when approved; validate and publish as usual.
mutation AddTestCaseFromDecision($draftId: ID!, $revision: Int!, $decisionId: ID!) {
  addTestCaseFromDecision(draftId: $draftId, expectedRevision: $revision, decisionId: $decisionId) { id revision testCases }
}
`,
    variables: json({ rulesetKey: 'ccc-access', from: null, to: null, draftId: DRAFT_ID, revision: 2, decisionId: '<decision id with a final answer>' }),
  },
  {
    roles: ['publisher'],
    query: `# Publisher who did not edit the draft (maker-checker: switch the Authorization header to
# your publisher key). Refused while a test case fails (VALIDATION_FAILED) or while the draft
# is based on an older version than the latest (CONFLICT: run Rebase first).
# effectiveFrom null means now; a future time schedules the version.
mutation Publish($draftId: ID!, $revision: Int!, $changelog: String!, $effectiveFrom: DateTime) {
  publishDraft(draftId: $draftId, expectedRevision: $revision, changelog: $changelog, effectiveFrom: $effectiveFrom) {
    number status contentHash parentNumber effectiveFrom publishedBy changelog
  }
}
`,
    variables: json({ draftId: DRAFT_ID, revision: 2, changelog: '<what changes and why, e.g. 金融/信用卡: 新增关键词 额度提升>', effectiveFrom: null }),
  },
  {
    roles: ['editor'],
    query: `# Editor: a draft copied from an older version (Publish answered CONFLICT) is merged onto the
# latest one: both sides' changes are kept, keyword lists merge as sets. Conflicts come back
# with base, ours (the draft) and theirs (latest) and leave the draft unchanged; run again with
# one resolution per conflict, e.g.
#   [{ "collection": "businessRules", "key": "finance.credit-card", "field": "message", "take": "OURS" }]
mutation Rebase($draftId: ID!, $revision: Int!, $resolutions: [MergeResolutionInput!]) {
  rebaseDraft(draftId: $draftId, expectedRevision: $revision, resolutions: $resolutions) {
    rebasedOnto
    conflicts { collection key field base ours theirs }
    draft { id revision parentNumber contentHash }
  }
}
`,
    variables: json({ draftId: DRAFT_ID, revision: 2, resolutions: [] }),
  },
  {
    roles: ['editor', 'publisher'],
    query: `# Editor or publisher: roll back. Opens a draft holding that version's content, based on the
# latest version; it is reviewed and published like any draft (at once only on a ruleset
# without maker-checker, by a caller who may publish), and its changelog says what it reverts to.
mutation Revert($rulesetKey: ID!, $version: Int!, $changelog: String!) {
  revertToVersion(rulesetKey: $rulesetKey, version: $version, changelog: $changelog) {
    id status number revision revertsTo parentNumber contentHash changelog
  }
}
`,
    variables: json({ rulesetKey: 'ccc-access', version: 1, changelog: '<why this version comes back>' }),
  },
  {
    roles: ['publisher'],
    query: `# Publisher: an enterprise OFFLINE for rectification (下线整改) has completed it.
# Its recorded violations stay; whether they still count toward escalation is the ruleset's
# violationsCountAfterReinstatement (the seed: they do). An enterprise that is not OFFLINE is CONFLICT.
mutation Reinstate($enterpriseId: ID!, $reason: String!) {
  reinstateEnterprise(enterpriseId: $enterpriseId, reason: $reason) { id status reinstatedAt violationCount }
}

# Editor, publisher or auditor: the enterprise's reinstatements in the edit trail.
query ReinstatementTrail($enterpriseId: ID!) {
  auditEvents(enterpriseId: $enterpriseId) { type actor at before after }
}
`,
    variables: json({ enterpriseId: '<id of the OFFLINE enterprise>', reason: '<the rectification it completed, e.g. 已停止违规外呼并通过复核>' }),
  },
  {
    roles: ['evaluator'],
    query: `# Service (evaluator): decide one number application against the version in effect now
# (pin one with version, contentHash or asOf). The decision is logged before the answer.
query DecideOne($input: NumberApplicationInput!) {
  evaluateNumberApplication(rulesetKey: "ccc-access", input: $input) {
    decisionId decision message versionNumber contentHash versionStatus evaluatedAt
    matches { ruleKey effect industry scenario message evidence }
  }
}
`,
    variables: json({ input: { description: '我们是一家连锁口腔诊所，需要给患者打电话做复诊预约提醒', industry: '医疗', callDirection: 'OUTBOUND' } }),
  },
  {
    roles: ['evaluator'],
    query: `# Service (evaluator): up to 1,000 applications against one resolved version, logged together.
query DecideBatch($inputs: [NumberApplicationInput!]!) {
  evaluateNumberApplications(rulesetKey: "ccc-access", inputs: $inputs) {
    decisionId decision message versionNumber contentHash
    matches { ruleKey evidence }
  }
}
`,
    variables: json({
      inputs: [
        { description: '我们是一家连锁口腔诊所，需要给患者打电话做复诊预约提醒', industry: '医疗' },
        { description: '我们做信用卡办理和额度提升的电话邀约', callDirection: 'OUTBOUND' },
        { description: '快递到件通知，提醒收件人取件' },
      ],
    }),
  },
  {
    roles: ['evaluator'],
    query: `# Service (evaluator): judge a reported violation against the enterprise's recorded history
# without recording it. RecordViolation (pick it from the run button's menu) records it for
# real: the penalty changes the enterprise's standing (CRITICAL puts it OFFLINE).
query JudgeViolation($violation: ViolationInput!) {
  evaluateViolation(rulesetKey: "ccc-access", input: $violation) {
    decisionId severity label message priorViolations escalated
    actions { code label }
    matches { ruleKey behavior severity evidence }
  }
}

mutation RecordViolation($violation: ViolationInput!) {
  recordViolation(rulesetKey: "ccc-access", input: $violation) {
    decisionId severity label message priorViolations escalated
    actions { code label }
  }
}

# Evaluator or auditor: the enterprise's standing and recorded violations.
query EnterpriseStanding($enterpriseId: ID!) {
  enterprise(id: $enterpriseId) { id status violationCount seriousViolationCount reinstatedAt violations { id kind output createdAt } }
}
`,
    variables: json({
      violation: { enterpriseId: '<enterprise id>', behavior: 'HARASSMENT_COMPLAINT', verified: true },
      enterpriseId: '<enterprise id>',
    }),
  },
  {
    roles: ['reviewer'],
    query: `# Reviewer: the decisions awaiting a human answer, every REVIEW decision and every appealed
# REJECT. orderBy RISK puts the highest risk score (the FLAG signals' weights) first; OLDEST
# keeps log order. Page on with after: endCursor.
query ReviewQueue($rulesetKey: ID!, $first: Int, $after: String, $orderBy: ReviewQueueOrder, $filter: ReviewQueueFilter) {
  reviewQueue(rulesetKey: $rulesetKey, first: $first, after: $after, orderBy: $orderBy, filter: $filter) {
    totalCount
    edges { cursor node { decisionId reason riskScore automaticDecision decidedAt description industry scenario signals { ruleKey message evidence weight } } }
    pageInfo { hasNextPage endCursor }
  }
}
`,
    variables: json({ rulesetKey: 'ccc-access', first: 10, after: null, orderBy: 'RISK', filter: null }),
  },
  {
    roles: ['reviewer'],
    query: `# Reviewer: one decision as its reviewer sees it, with the signals that say why to look closer,
# the rules that matched, and its appeal and answers so far (the newest answer is in force).
query ReviewCase($decisionId: ID!) {
  reviewCase(decisionId: $decisionId) {
    decisionId reason waiting automaticDecision description industry scenario riskScore
    signals { ruleKey message evidence weight }
    matches { ruleKey effect message evidence }
    finalOutcome { outcome reason ruleKeys recordedBy recordedAt }
    history { kind outcome reason ruleKeys supersedes recordedBy recordedAt }
  }
}
`,
    variables: json({ decisionId: '<decision id from ReviewQueue>' }),
  },
  {
    roles: ['reviewer'],
    query: `# Reviewer: the final answer, appended to the review log. A REJECTED answer names the REJECT
# rules (policy rows) it falls under; answering again corrects the answer (it supersedes).
mutation RecordOutcome($decisionId: ID!, $outcome: ReviewOutcomeKind!, $reason: String!, $ruleKeys: [ID!]) {
  recordReviewOutcome(decisionId: $decisionId, outcome: $outcome, reason: $reason, ruleKeys: $ruleKeys) {
    id sequence decisionId outcome reason ruleKeys supersedes recordedBy recordedAt hash
  }
}

# Evaluator or reviewer: appeal a REJECT decision; it joins the review queue.
mutation OpenAppeal($decisionId: ID!, $reason: String!) {
  openAppeal(decisionId: $decisionId, reason: $reason) { id sequence decisionId automaticDecision reason recordedBy recordedAt }
}
`,
    variables: json({
      decisionId: '<decision id from ReviewQueue>',
      outcome: 'REJECTED',
      reason: '<why, e.g. 物业代收欠费并电话催缴，属催收催缴类>',
      ruleKeys: ['other.debt-collection'],
    }),
  },
  {
    roles: ['auditor'],
    query: `# Auditor: the decision log in order (oldest first), filtered; page on with after: endCursor.
query Decisions($filter: DecisionFilter, $first: Int, $after: String) {
  decisions(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { id kind rulesetKey versionNumber contentHash caller createdAt input output } }
    pageInfo { hasNextPage endCursor }
  }
}
`,
    variables: json({ filter: { rulesetKey: 'ccc-access' }, first: 10, after: null }),
  },
  {
    roles: ['auditor'],
    query: `# Auditor: re-evaluate a logged decision against its own version, under the engine semantics it
# was logged with (identical must be true); againstDraftId or againstVersion shows what a
# draft or another version would have decided instead.
query Replay($id: ID!, $againstDraftId: ID, $againstVersion: Int) {
  replayDecision(id: $id, againstDraftId: $againstDraftId, againstVersion: $againstVersion) {
    decisionId identical differences engineSemantics againstVersion original replayed
  }
}
`,
    variables: json({ id: '<decision id from Decisions>', againstDraftId: null, againstVersion: null }),
  },
  {
    roles: ['auditor'],
    query: `# Auditor: recompute the log's hashes and chain. Keep the checkpoint a valid run returns outside
# the database; passed back later as checkpoint ({ "sequence": "...", "hash": "..." }) it proves
# history up to it was not rewritten.
query VerifyLog($checkpoint: LogCheckpointInput, $from: DateTime, $to: DateTime) {
  verifyDecisionLog(checkpoint: $checkpoint, from: $from, to: $to) {
    checked valid firstBrokenId reason
    checkpoint { sequence hash }
  }
}
`,
    variables: json({ checkpoint: null, from: null, to: null }),
  },
];
