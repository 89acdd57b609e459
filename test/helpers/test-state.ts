/** What global setup hands to every test file (through the environment jest workers inherit). */
export interface TestState {
  serverUrl: string;
  templateName: string;
  runId: string;
  embeddedDir: string | null;
  /** ccc_service's password on this server: the app under test connects as the service role, as deployed. */
  servicePassword: string;
  /** This run's checkpoint signing key (PEM file), so no test writes a development key into the tree. */
  checkpointSigningKey: string;
}

export function readTestState(): TestState {
  const raw = process.env.CCC_TEST_STATE;
  if (!raw) throw new Error('integration tests need the jest global setup (run them through `npm test`)');
  return JSON.parse(raw) as TestState;
}
