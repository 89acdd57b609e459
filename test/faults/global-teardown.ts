import integrationTeardown from '../helpers/global-teardown';

/** Cleans up only what the faults setup itself started (see global-setup.ts). */
export default async function globalTeardown(): Promise<void> {
  if ((globalThis as { __cccFaultsOwnDatabase?: boolean }).__cccFaultsOwnDatabase) await integrationTeardown();
}
