import { decodeQueueCursor, encodeQueueCursor } from '../../../src/reviews/queue-cursor';

describe('review queue cursors', () => {
  it('carry the order, the risk score and the decision position back unchanged', () => {
    const cursor = encodeQueueCursor('RISK', { riskScore: 7, decisionSeq: 123456789 });
    expect(decodeQueueCursor(cursor, 'RISK')).toEqual({ riskScore: 7, decisionSeq: 123456789 });
    expect(decodeQueueCursor(encodeQueueCursor('OLDEST', { riskScore: 0, decisionSeq: 1 }), 'OLDEST')).toEqual({ riskScore: 0, decisionSeq: 1 });
  });

  it('refuse a cursor of the other order, of the decision log, or made up, as BAD_USER_INPUT', () => {
    const refused = (cursor: string, order: 'OLDEST' | 'RISK') => {
      try {
        decodeQueueCursor(cursor, order);
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'accepted';
    };
    expect(refused(encodeQueueCursor('OLDEST', { riskScore: 0, decisionSeq: 5 }), 'RISK')).toBe('BAD_USER_INPUT');
    expect(refused(Buffer.from('decision:5').toString('base64url'), 'OLDEST')).toBe('BAD_USER_INPUT');
    expect(refused('not a cursor', 'OLDEST')).toBe('BAD_USER_INPUT');
    expect(refused('x'.repeat(200), 'OLDEST')).toBe('BAD_USER_INPUT');
  });
});
