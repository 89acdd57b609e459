import { ChainedDecision } from './decision-record';
import { DecisionRecord } from './decision.types';

/** A logged record as its GraphQL object: every record field, plus the chain position as a decimal string. */
export function toDecisionRecord(record: ChainedDecision): DecisionRecord {
  return { ...record, createdAt: new Date(record.createdAt), sequence: String(record.seq) };
}
