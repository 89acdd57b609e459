import { BadInputError } from '../common/errors';
import type { QueueOrder, QueuePosition } from './review-log.store';

const PREFIX = 'review:';

/** Opaque Relay cursor over the queue: the order it belongs to, the risk score and the decision's log position. */
export function encodeQueueCursor(order: QueueOrder, position: QueuePosition): string {
  return Buffer.from(`${PREFIX}${order}:${position.riskScore}:${position.decisionSeq}`, 'utf8').toString('base64url');
}

export function decodeQueueCursor(cursor: string, order: QueueOrder): QueuePosition {
  const text = cursor.length > 80 ? '' : Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^review:(OLDEST|RISK):(-?\d{1,9}):(\d{1,15})$/.exec(text);
  if (!match) throw new BadInputError('after is not a cursor of the review queue', { path: 'after' });
  if (match[1] !== order) throw new BadInputError(`after is a cursor of the ${match[1]} order; ask for that order or start again`, { path: 'after' });
  return { riskScore: Number(match[2]), decisionSeq: Number(match[3]) };
}
