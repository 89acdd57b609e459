/** A rule's condition does not parse or type-check. `position` is a character offset into the condition. */
export class ConditionError extends Error {
  readonly name = 'ConditionError';
  constructor(
    readonly ruleKey: string,
    readonly detail: string,
    readonly position: number | null,
  ) {
    super(`rule ${ruleKey}: invalid condition${position === null ? '' : ` at ${position}`}: ${detail}`);
  }
}

/** A violation was reported with a behaviour no violation rule of the version knows. */
export class UnknownBehaviorError extends Error {
  readonly name = 'UnknownBehaviorError';
  constructor(
    readonly behavior: string,
    /** Sorted, so that the message is stable. */
    readonly knownBehaviors: string[],
  ) {
    super(`unknown violation behaviour "${behavior}"; known behaviours: ${knownBehaviors.join(', ')}`);
  }
}

/** The caller passed state the engine cannot interpret (e.g. an unparsable time). */
export class InvalidEvaluationInputError extends Error {
  readonly name = 'InvalidEvaluationInputError';
}

/** A semantics version this engine has not shipped (or no longer knows how to name). */
export class UnknownSemanticsError extends Error {
  readonly name = 'UnknownSemanticsError';
  constructor(what: string) {
    super(`${what} is not one this engine has: it can replay only the semantics it has shipped`);
  }
}
