import { BadInputError } from '../common/errors';
import { CompiledRuleset, evaluateViolation, normalizeText, UnknownBehaviorError, ViolationInput, ViolationOutcome, ViolationState } from '../engine';

/** Penalty action codes that take the enterprise offline, besides any CRITICAL result. */
const OFFLINE_ACTIONS = new Set(['OFFLINE_ALL_BUSINESS']);

/**
 * Runs the engine on a violation, turning an unknown behaviour into a client error. A verified
 * report of a behaviour whose rows are told apart by the actual business (BUSINESS_MISMATCH:
 * prohibited or not) must name that business: without it the row would be guessed.
 */
export function judgeViolation(compiled: CompiledRuleset, input: ViolationInput, state: ViolationState): ViolationOutcome {
  if (input.verified && compiled.behaviorsJudgedOnActualBusiness.has(input.behavior) && normalizeText(input.actualBusiness ?? '') === '') {
    throw new BadInputError(
      `a verified ${input.behavior} report must give input.actualBusiness: the verdict on the actual business decides which rule applies`,
      { issues: [{ path: 'input.actualBusiness', message: 'is required for a verified report of this behaviour' }] },
    );
  }
  try {
    return evaluateViolation(compiled, input, state);
  } catch (error) {
    if (error instanceof UnknownBehaviorError) {
      throw new BadInputError(error.message, { knownBehaviors: error.knownBehaviors });
    }
    throw error;
  }
}

/** How a judged violation changes the standing: CRITICAL or an offline action takes the enterprise OFFLINE; SERIOUS is counted. */
export function standingChange(outcome: ViolationOutcome): { serious: boolean; offline: boolean } {
  return {
    serious: outcome.severity === 'SERIOUS',
    offline: outcome.severity === 'CRITICAL' || outcome.actions.some((action) => OFFLINE_ACTIONS.has(action.code)),
  };
}
