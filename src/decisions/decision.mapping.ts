import { ChainedDecision } from './decision-record';
import { DecisionRecord } from './decision.types';

export function toDecisionRecord(record: ChainedDecision): DecisionRecord {
  return {
    id: record.id,
    kind: record.kind,
    rulesetKey: record.rulesetKey,
    versionNumber: record.versionNumber,
    contentHash: record.contentHash,
    input: record.input,
    output: record.output,
    state: record.state,
    caller: record.caller,
    requestId: record.requestId,
    engineVersion: record.engineVersion,
    createdAt: new Date(record.createdAt),
    sequence: String(record.seq),
    recordHash: record.recordHash,
    hash: record.hash,
    prevHash: record.prevHash,
  };
}
