import { BadInputError } from '../common/errors';
import { Issues } from '../common/issues';
import { INPUT_LIMITS, MAX_EVALUATIONS_PER_REQUEST } from '../common/limits';
import { unstorableText } from '../common/text';
import type { NumberApplicationInput, ViolationInput } from '../engine';

/** What the GraphQL layer hands over (DateTime already parsed). */
export interface NumberApplicationArgs {
  enterpriseId?: string | null;
  industry?: string | null;
  scenario?: string | null;
  description: string;
  callDirection?: 'INBOUND' | 'OUTBOUND' | null;
  facts?: unknown;
}

export interface ViolationArgs {
  enterpriseId: string;
  behavior: string;
  verified: boolean;
  declaredBusiness?: string | null;
  actualBusiness?: string | null;
  occurredAt?: Date | null;
  facts?: unknown;
}

/** Evaluation-specific checks on top of the domain's Issues. */
class InputIssues extends Issues {
  callDirection(path: string, value: unknown): 'INBOUND' | 'OUTBOUND' | null {
    if (value === undefined || value === null) return null;
    if (value === 'INBOUND' || value === 'OUTBOUND') return value;
    this.add(path, 'must be INBOUND or OUTBOUND');
    return null;
  }

  facts(path: string, value: unknown): Record<string, unknown> | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.add(path, 'must be a JSON object');
      return null;
    }
    let problem: string | null = null;
    const visit = (node: unknown, depth: number): void => {
      if (problem) return;
      if (depth > INPUT_LIMITS.factsDepth) {
        problem = `must be nested at most ${INPUT_LIMITS.factsDepth} levels deep`;
        return;
      }
      if (typeof node === 'string') {
        problem = unstorableText(node);
      } else if (typeof node === 'number') {
        if (!Number.isFinite(node)) problem = 'must contain only finite numbers';
      } else if (Array.isArray(node)) {
        for (const item of node) visit(item, depth + 1);
      } else if (node !== null && typeof node === 'object') {
        for (const [key, item] of Object.entries(node)) {
          problem ??= unstorableText(key);
          visit(item, depth + 1);
        }
      } else if (node !== null && typeof node !== 'boolean') {
        problem = 'must be JSON';
      }
    };
    visit(value, 1);
    if (problem) {
      this.add(path, problem);
      return null;
    }
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > INPUT_LIMITS.factsBytes) this.add(path, `must be at most ${INPUT_LIMITS.factsBytes} bytes of JSON (got ${bytes})`);
    return value as Record<string, unknown>;
  }
}

/** The canonical, logged form of an application: every field present, absent ones null. */
function checkApplication(issues: InputIssues, args: NumberApplicationArgs, path: string): NumberApplicationInput {
  return {
    enterpriseId: issues.id(`${path}.enterpriseId`, args.enterpriseId, false),
    industry: issues.text(`${path}.industry`, args.industry, INPUT_LIMITS.labelChars, false),
    scenario: issues.text(`${path}.scenario`, args.scenario, INPUT_LIMITS.labelChars, false),
    description: issues.text(`${path}.description`, args.description, INPUT_LIMITS.descriptionChars, true) ?? '',
    callDirection: issues.callDirection(`${path}.callDirection`, args.callDirection),
    facts: issues.facts(`${path}.facts`, args.facts),
  };
}

export function validateApplication(args: NumberApplicationArgs): NumberApplicationInput {
  const issues = new InputIssues();
  const input = checkApplication(issues, args, 'input');
  issues.throwIfAny();
  return input;
}

export function validateApplications(args: NumberApplicationArgs[]): NumberApplicationInput[] {
  if (args.length > MAX_EVALUATIONS_PER_REQUEST) {
    throw new BadInputError(`a batch may hold at most ${MAX_EVALUATIONS_PER_REQUEST} inputs; this one holds ${args.length}`, {
      limit: MAX_EVALUATIONS_PER_REQUEST,
    });
  }
  const issues = new InputIssues();
  const inputs = args.map((item, index) => checkApplication(issues, item, `inputs[${index}]`));
  issues.throwIfAny();
  return inputs;
}

/** Clocks disagree a little; a report from further ahead than this is a mistake. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * `occurredAt` may not lie in the future (beyond clock skew): a future violation would count
 * as prior history in every report until then, yet never within an escalation window.
 */
export function validateViolation(args: ViolationArgs, now: Date = new Date()): ViolationInput {
  const issues = new InputIssues();
  const behavior = issues.text('input.behavior', args.behavior, INPUT_LIMITS.behaviorChars, true) ?? '';
  let occurredAt: string | null = null;
  if (args.occurredAt !== undefined && args.occurredAt !== null && !(args.occurredAt instanceof Date)) {
    issues.add('input.occurredAt', 'must be a time');
  } else if (args.occurredAt) {
    const year = args.occurredAt.getUTCFullYear();
    if (Number.isNaN(args.occurredAt.getTime())) issues.add('input.occurredAt', 'is not a valid time');
    else if (year < 1970) issues.add('input.occurredAt', 'must be a time after 1970');
    else if (args.occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
      issues.add('input.occurredAt', `must not be more than five minutes in the future, allowed for clock differences (now is ${now.toISOString()})`);
    else occurredAt = args.occurredAt.toISOString();
  }
  const input: ViolationInput = {
    enterpriseId: issues.id('input.enterpriseId', args.enterpriseId, true) ?? '',
    behavior: behavior.trim(),
    verified: args.verified,
    declaredBusiness: issues.text('input.declaredBusiness', args.declaredBusiness, INPUT_LIMITS.descriptionChars, false),
    actualBusiness: issues.text('input.actualBusiness', args.actualBusiness, INPUT_LIMITS.descriptionChars, false),
    occurredAt,
    facts: issues.facts('input.facts', args.facts),
  };
  if (typeof args.verified !== 'boolean') issues.add('input.verified', 'must be true or false');
  issues.throwIfAny();
  return input;
}
