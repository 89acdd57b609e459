/** What an evaluation field decides: a number application or a violation report. */
export type EvaluationKind = 'application' | 'violation';

export interface EvaluationFieldSpec {
  kind: EvaluationKind;
  /** The argument holding a list of inputs, one evaluation each; absent for one `input`. */
  batchArgument?: string;
}

/**
 * The root fields that evaluate (and log) once per input, by field name. Filled by the
 * `@EvaluationField` decorator where each field is declared, so a renamed resolver method
 * stays covered; the transport layer reads it to enforce the per-request budget.
 */
export const EVALUATION_FIELDS = new Map<string, EvaluationFieldSpec>();

export function EvaluationField(spec: EvaluationFieldSpec): MethodDecorator {
  return (_target, propertyKey) => {
    EVALUATION_FIELDS.set(String(propertyKey), spec);
  };
}

/** One evaluation field of a request, with its coerced arguments, as the budget check saw it. */
export interface EvaluationCall {
  /** The field's response key (its alias, or its name). */
  responseKey: string;
  spec: EvaluationFieldSpec;
  args: Record<string, unknown>;
}
