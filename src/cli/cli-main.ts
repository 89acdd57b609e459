import { DomainError } from '../common/errors';
import { ConfigError } from '../config/config';
import { EmbeddedDatabaseError } from '../db/embedded-database';
import { RulesetFileError } from '../rulesets/ruleset-files';
import { EXIT } from './args';

/** The command cannot do its work for a reason the user can act on (unknown ruleset, missing file). */
export class CliFailure extends Error {}

/** The message for a failure a user can act on, or null for a bug (which keeps its stack). */
export function failureText(error: unknown): string | null {
  if (error instanceof CliFailure || error instanceof RulesetFileError || error instanceof DomainError || error instanceof EmbeddedDatabaseError) {
    return error.message;
  }
  if (error instanceof ConfigError) return error.message;
  return null;
}

/** Runs a CLI as the process: its exit code, or 1 with one message (a stack only for bugs). */
export function runAsMain(name: string, run: (argv: string[]) => Promise<number>): void {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${name}: ${failureText(error) ?? (error instanceof Error ? (error.stack ?? error.message) : String(error))}`);
      process.exit(EXIT.negative);
    },
  );
}
