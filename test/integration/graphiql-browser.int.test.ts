import fs from 'node:fs';
import { eventually } from '../helpers/eventually';
import { chromium, Browser, Page } from 'playwright-core';
import { exampleTabs } from '../../src/graphiql/example-operations';
import { openDraft } from '../helpers/authoring';
import { startTestServer, TestServer } from '../helpers/test-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browserAvailable = fs.existsSync(CHROMIUM);
if (!browserAvailable) {
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error(`REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium)`);
  }
  console.warn(`skipping the GraphiQL browser test: no Chromium at ${CHROMIUM} (set REQUIRE_BROWSER=1 to make this a failure)`);
}
const describeWithBrowser = browserAvailable ? describe : describe.skip;

/** GraphiQL titles a tab with its first operation's name. */
const tabNamed = (title: string) => {
  const tab = exampleTabs.find((candidate) => /^(?:query|mutation) (\w+)/m.exec(candidate.query)?.[1] === title);
  if (!tab) throw new Error(`no example tab ${title}`);
  return tab;
};

/**
 * Replaces an editor's whole text the way a person would: select all, type. Monaco closes
 * brackets and quotes as they are typed; whatever it appended after the text is deleted.
 */
async function replaceEditorText(page: Page, editorSelector: string, text: string): Promise<void> {
  await page.locator(editorSelector).first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Shift+Control+End');
  await page.keyboard.press('Delete');
}

const QUERY_EDITOR = '.graphiql-query-editor .monaco-editor';
const TOOL_EDITOR = '.graphiql-editor-tool .monaco-editor:visible';

async function setHeaders(page: Page, key: string): Promise<void> {
  await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
  await replaceEditorText(page, TOOL_EDITOR, JSON.stringify({ Authorization: `Bearer ${key}` }));
}

async function setVariables(page: Page, variables: Record<string, unknown>): Promise<void> {
  await page.locator('.graphiql-editor-tools button[data-name="variables"]').click();
  await replaceEditorText(page, TOOL_EDITOR, JSON.stringify(variables));
}

/**
 * Presses run and waits for the answer in the result pane. A tab holding several operations
 * opens a menu of them; `operation` picks one there.
 */
async function runAndReadResult(page: Page, operation?: string): Promise<string> {
  await page.locator('.graphiql-execute-button').click();
  if (operation) await page.getByRole('menuitem', { name: operation, exact: true }).click();
  // The pane starts empty for each tab; any answer (data or errors) ends the wait, and the
  // assertions that follow say what was wrong with it.
  await page.waitForFunction(() => /"(data|errors)"/.test((document.querySelector('.graphiql-response') as HTMLElement | null)?.innerText ?? ''), undefined, {
    timeout: 30_000,
  });
  return (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ');
}

/**
 * Switches tabs from the keyboard: the tabs are draggable (reorderable), and a synthetic
 * mouse click on one is taken for the start of a drag and does not switch.
 */
async function openTab(page: Page, title: string): Promise<void> {
  await page.locator(`button.graphiql-tab-button[title="${title}"]`).focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector(`li.graphiql-tab-active button[title="${title}"]`);
}

describeWithBrowser('GraphiQL in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh page that records every request leaving the server's origin. */
  async function openGraphiQL(): Promise<{ page: Page; offOrigin: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const offOrigin: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(server.url) && !url.startsWith('blob:') && !url.startsWith('data:')) offOrigin.push(url);
    });
    await page.goto(`${server.url}/graphiql`);
    await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
    await page.waitForSelector(QUERY_EDITOR, { timeout: 60_000 });
    return { page, offOrigin };
  }

  it('loads with nothing from the network, runs a query with an API key and shows the result', async () => {
    const { page, offOrigin } = await openGraphiQL();
    try {
      // Run a query the way a person would: replace the query, put the key in the headers editor, press run.
      await replaceEditorText(page, QUERY_EDITOR, '{ ruleset(key: "ccc-access") { name currentVersion { number status } } }');
      await setHeaders(page, server.keys.evaluator);
      const shown = await runAndReadResult(page);
      expect(shown).toContain('"status": "PUBLISHED"');
      expect(shown).toContain('"number": 1');
      expect(offOrigin).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('opens a tab for every step of the workflow, each asking for a key of the role that runs it', async () => {
    const { page } = await openGraphiQL();
    try {
      const titles = await page.locator('button.graphiql-tab-button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('title')));
      expect(titles).toEqual(
        expect.arrayContaining([
          'CurrentPolicy',
          'CreateDraft',
          'PartialEdit',
          'ValidateWithTests',
          'DiffAgainstLatest',
          'TryDraft',
          'ImpactAnalysis',
          'Publish',
          'Rebase',
          'Revert',
          'DecideOne',
          'DecideBatch',
          'JudgeViolation',
          'ReviewQueue',
          'ReviewCase',
          'RecordOutcome',
          'PolicyQuality',
          'Decisions',
          'Replay',
          'VerifyLog',
        ]),
      );
      expect(titles).toHaveLength(exampleTabs.length);
      // Without a development key (as here), the headers editor asks for a key of the right role.
      const headersShown = async () => (await page.locator(TOOL_EDITOR).first().innerText()).replace(/\s+/g, ' ');
      expect(await headersShown()).toContain('Bearer <your API key: any role>');
      await openTab(page, 'Publish');
      // The tab is active before its editors are redrawn: wait for the headers to change, with no fixed time.
      const shown = await eventually(headersShown, (text) => !text.includes('any role'));
      expect(shown).toContain('Bearer <your API key: publisher>');
    } finally {
      await page.close();
    }
  }, 120_000);

  it('runs the partial edit, draft playground and validate tabs as written against a real draft, and shows their results', async () => {
    // The draft the CreateDraft tab would open, with a test case that expects the wrong
    // decision, so that validation has something to report.
    const draft = await openDraft(server);
    const withTest = await server.gql(
      `mutation($id: ID!, $rev: Int!, $testCase: TestCaseInput!) { upsertTestCase(draftId: $id, expectedRevision: $rev, testCase: $testCase) { revision } }`,
      {
        id: draft.id,
        rev: draft.revision,
        testCase: { key: 'browser.wrong-expectation', input: { description: '我们做信用卡办理和额度提升的电话邀约' }, expectedDecision: 'ALLOW' },
      },
      server.keys.editor,
    );
    expect(withTest.errors).toBeUndefined();
    const revision: number = withTest.data.upsertTestCase.revision;
    const keywordsBefore: string[] = (
      await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { businessRules { key keywords } } }`, { id: draft.id })
    ).data.rulesetVersion.businessRules.find((rule: { key: string }) => rule.key === 'finance.credit-card').keywords;

    // Each tab's own variables, with only what the user is asked to replace replaced.
    const tabVariables = (title: string, replacements: Record<string, unknown>) => {
      const variables = JSON.parse(tabNamed(title).variables) as Record<string, unknown>;
      expect(variables.draftId).toBe('<draft id from CreateDraft>');
      return { ...variables, ...replacements };
    };

    const { page, offOrigin } = await openGraphiQL();
    try {
      // Partial edit: adds its keywords to the rule and keeps every keyword it did not send.
      await openTab(page, 'PartialEdit');
      await setHeaders(page, server.keys.editor);
      const patch = (JSON.parse(tabNamed('PartialEdit').variables) as { patch: { addKeywords: string[] } }).patch;
      await setVariables(page, tabVariables('PartialEdit', { draftId: draft.id, revision }));
      const edited = await runAndReadResult(page);
      expect(edited).toContain('"editBusinessRule"');
      expect(edited).toContain(`"revision": ${revision + 1}`);
      expect(edited).not.toContain('"errors"');
      const keywordsAfter: string[] = (
        await server.gql(`query($id: ID!) { rulesetVersion(id: $id) { businessRules { key keywords } } }`, { id: draft.id })
      ).data.rulesetVersion.businessRules.find((rule: { key: string }) => rule.key === 'finance.credit-card').keywords;
      expect(keywordsAfter).toEqual(expect.arrayContaining([...keywordsBefore, ...patch.addKeywords]));
      expect(keywordsAfter).toHaveLength(new Set([...keywordsBefore, ...patch.addKeywords]).size);

      // The draft playground: the draft's decision with its evidence, marked as a draft, no decisionId.
      await openTab(page, 'TryDraft');
      await setHeaders(page, server.keys.editor);
      await setVariables(page, tabVariables('TryDraft', { draftId: draft.id }));
      const tried = await runAndReadResult(page);
      expect(tried).toContain('"evaluateDraft"');
      expect(tried).toContain('"draft": true');
      expect(tried).toContain(`"draftId": "${draft.id}"`);
      expect(tried).toContain('"decision": "REJECT"');
      expect(tried).toContain('"ruleKey": "finance.credit-card"');
      // The keyword the PartialEdit tab added is evidence: the playground decides with the edited draft.
      expect(tried).toContain(`"keyword: ${patch.addKeywords[0]}"`);
      expect(tried).not.toContain('decisionId');

      // Validate with tests: the failing case is an ERROR with its path, and the test report counts it.
      await openTab(page, 'ValidateWithTests');
      await setHeaders(page, server.keys.publisher);
      await setVariables(page, tabVariables('ValidateWithTests', { draftId: draft.id }));
      const validated = await runAndReadResult(page, 'ValidateWithTests');
      expect(validated).toContain('"validateDraft"');
      expect(validated).toContain('"level": "ERROR"');
      expect(validated).toContain('"path": "testCases[browser.wrong-expectation]"');
      expect(validated).toContain('expected ALLOW, got REJECT');
      expect(validated).toContain('"testDraft"');
      expect(validated).toContain('"failed": 1');
      expect(offOrigin).toEqual([]);
    } finally {
      await page.close();
    }
  }, 180_000);
  it('runs the reviewer tabs as written: the queue by risk, a decision with its signals, the final answer; then the quality report', async () => {
    // A REVIEW decision with a signal (a seed FLAG rule), waiting in the queue.
    const decided = await server.gql(
      `query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId decision riskScore } }`,
      { input: { description: '燃气公司 欠费查询热线 用户来电咨询' } },
      server.keys.evaluator,
    );
    expect(decided.data.evaluateNumberApplication).toMatchObject({ decision: 'REVIEW', riskScore: 3 });
    const decisionId: string = decided.data.evaluateNumberApplication.decisionId;
    const tabVariables = (title: string, replacements: Record<string, unknown>) => ({ ...(JSON.parse(tabNamed(title).variables) as object), ...replacements });

    const { page, offOrigin } = await openGraphiQL();
    try {
      await openTab(page, 'ReviewQueue');
      await setHeaders(page, server.keys.reviewer);
      const queued = await runAndReadResult(page);
      expect(queued).toContain('"reviewQueue"');
      expect(queued).toContain(`"decisionId": "${decisionId}"`);
      expect(queued).toContain('"ruleKey": "flag.arrears-without-demand"');
      expect(queued).not.toContain('"errors"');

      await openTab(page, 'ReviewCase');
      await setHeaders(page, server.keys.reviewer);
      await setVariables(page, tabVariables('ReviewCase', { decisionId }));
      const shown = await runAndReadResult(page);
      expect(shown).toContain('"waiting": true');
      expect(shown).toContain('"riskScore": 3');
      expect(shown).toContain('"keyword: 欠费"');

      await openTab(page, 'RecordOutcome');
      await setHeaders(page, server.keys.reviewer);
      await setVariables(page, tabVariables('RecordOutcome', { decisionId, reason: '用户来电查询欠费，非催缴', outcome: 'APPROVED', ruleKeys: null }));
      const answered = await runAndReadResult(page, 'RecordOutcome');
      expect(answered).toContain('"recordReviewOutcome"');
      expect(answered).toContain('"outcome": "APPROVED"');
      expect(answered).not.toContain('"errors"');

      // The auditor's exact window (the policy team sees whole blocks of 100 decisions, fewer here).
      await openTab(page, 'PolicyQuality');
      await setHeaders(page, server.keys.auditor);
      const quality = await runAndReadResult(page, 'PolicyQuality');
      expect(quality).toContain('"policyQuality"');
      expect(quality).toContain('"reviewed": 1');
      expect(quality).toContain('"agreement": 1');
      expect(offOrigin).toEqual([]);
    } finally {
      await page.close();
    }
  }, 180_000);
});
