/** Ready-made GraphiQL tabs for the three kinds of user. */
export const exampleTabs = [
  {
    query: `# Policy team: the ruleset in effect, then open a draft of it.
query CurrentPolicy {
  ruleset(key: "ccc-access") {
    key
    name
    currentVersion {
      id number status contentHash effectiveFrom defaultDecision
      businessRules { key industry scenario effect keywords excludeKeywords condition message source note }
      violationRules { key behavior title severity condition source note }
      penalties { severity label rank message actions { code label } escalation { count withinDays toSeverity } }
    }
    versions { id number status revision publishedBy }
  }
}

mutation OpenDraft {
  createDraft(rulesetKey: "ccc-access") { id revision status }
}

# Paste the draft id and its revision into the variables, then edit, check and compare.
mutation AddKeyword($draftId: ID!, $revision: Int!) {
  upsertBusinessRule(draftId: $draftId, expectedRevision: $revision, rule: {
    key: "finance.credit-card", industry: "金融", scenario: "信用卡", effect: REJECT,
    keywords: ["信用卡", "办卡", "提额"], excludeKeywords: [],
    message: "目前不支持为该业务申请号码，请谅解", source: "申请号码接入准则 表格 金融/信用卡"
  }) { revision contentHash }
}

query CheckDraft($draftId: ID!) {
  validateDraft(draftId: $draftId) { path message }
  diffVersions(rulesetKey: "ccc-access", from: 1, draftId: $draftId) { changes { kind key change } }
  impactAnalysis(rulesetKey: "ccc-access", candidateDraftId: $draftId) { evaluated changed transitions { from to count } }
}

# Publishing needs a publisher key other than the editor's (maker-checker).
mutation Publish($draftId: ID!, $revision: Int!) {
  publishDraft(draftId: $draftId, expectedRevision: $revision, changelog: "金融/信用卡: more keywords") { number contentHash }
}
`,
    variables: JSON.stringify({ draftId: 'paste-the-draft-id', revision: 0 }, null, 2),
  },
  {
    query: `# Services: decide a number application, pinned to the version in effect now.
query DecideApplication($input: NumberApplicationInput!) {
  evaluateNumberApplication(rulesetKey: "ccc-access", input: $input) {
    decisionId decision message versionNumber contentHash evaluatedAt
    matches { ruleKey effect industry scenario message evidence }
  }
}

mutation RecordViolation($violation: ViolationInput!) {
  recordViolation(rulesetKey: "ccc-access", input: $violation) {
    decisionId severity label message priorViolations escalated
    actions { code label }
  }
}
`,
    variables: JSON.stringify(
      {
        input: { description: '我们是一家连锁口腔诊所，需要给患者打电话做复诊预约提醒', industry: '医疗' },
        violation: { enterpriseId: 'ent-001', behavior: 'HARASSMENT_COMPLAINT', verified: true },
      },
      null,
      2,
    ),
  },
  {
    query: `# Auditors: read the decision log, replay a decision, verify the chain.
query RecentDecisions {
  decisions(filter: { rulesetKey: "ccc-access" }, first: 10) {
    totalCount
    edges { cursor node { id kind versionNumber contentHash caller createdAt output } }
    pageInfo { hasNextPage endCursor }
  }
  verifyDecisionLog { checked valid firstBrokenId reason checkpoint { sequence hash } }
}

query Replay($id: ID!) {
  replayDecision(id: $id) { identical differences original replayed }
}

query Enterprise {
  enterprise(id: "ent-001") { id status seriousViolationCount violations { id kind output createdAt } }
}
`,
    variables: JSON.stringify({ id: 'paste-a-decision-id' }, null, 2),
  },
  {
    query: `# Policy team (publisher key): an enterprise OFFLINE for rectification (下线整改) has completed it.
# Its recorded violations stay; whether they still count toward escalation is the ruleset's
# violationsCountAfterReinstatement (the seed: they do).
mutation Reinstate($enterpriseId: ID!, $reason: String!) {
  reinstateEnterprise(enterpriseId: $enterpriseId, reason: $reason) { id status reinstatedAt violationCount }
}

query ReinstatementTrail($enterpriseId: ID!) {
  auditEvents(enterpriseId: $enterpriseId) { type actor at before after }
}
`,
    variables: JSON.stringify({ enterpriseId: 'ent-001', reason: '整改完成：已停止违规外呼并通过复核' }, null, 2),
  },
];
