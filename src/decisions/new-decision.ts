import { uuidv7 } from 'uuidv7';
import { RequestContext } from '../common/request-context';
import { ENGINE_VERSION } from '../engine';
import { DecisionContent, DecisionKind, LEAN_FORMAT } from './decision-record';

/** The published version an evaluation used, as the log names it (drafts are never logged). */
export interface LoggedVersion {
  rulesetKey: string;
  number: number | null;
  contentHash: string;
}

/**
 * A decision record for the log: a time-ordered id (UUIDv7, so the log's indexes stay
 * append-friendly), who asked, and the exact input, output and state of the evaluation.
 */
export function newDecision(
  context: RequestContext,
  version: LoggedVersion,
  kind: DecisionKind,
  fields: { enterpriseId: string | null; decision: string | null; severity: string | null; input: unknown; output: unknown; state: unknown },
  createdAt: Date,
): DecisionContent {
  return {
    id: uuidv7(),
    kind,
    rulesetKey: version.rulesetKey,
    versionNumber: version.number!,
    contentHash: version.contentHash,
    enterpriseId: fields.enterpriseId,
    decision: fields.decision,
    severity: fields.severity,
    input: fields.input,
    output: fields.output,
    state: fields.state,
    caller: context.caller?.name ?? 'anonymous',
    requestId: context.requestId ?? null,
    engineVersion: ENGINE_VERSION,
    createdAt: createdAt.toISOString(),
    format: LEAN_FORMAT,
  };
}
