/**
 * What other features keep about logged decisions, seen from the log through ports that the
 * composition root wires: the log's readers depend on the log, never the other way round.
 */

/** How a hash chain verified: the records checked and the first broken one. */
export interface ChainCheck {
  checked: number;
  valid: boolean;
  firstBrokenId: string | null;
  reason: string | null;
}

/** Another hash chain whose records reference logged decisions (the review log): verifyDecisionLog verifies it with the log. */
export interface LinkedChain {
  name: string;
  verify(): Promise<ChainCheck>;
}

export type FinalAnswer = 'APPROVED' | 'REJECTED';

/** The final human answers of those decisions that have one (impact analysis compares the versions against them). */
export type FinalAnswerSource = (decisionIds: string[]) => Promise<Map<string, FinalAnswer>>;

/** Whether a decision is right by a final answer: it rejects exactly when the reviewer finally rejected (REVIEW and ALLOW both let the application through to a person or a number). */
export function agreesWithFinalAnswer(decision: string, answer: FinalAnswer): boolean {
  return (decision === 'REJECT') === (answer === 'REJECTED');
}
