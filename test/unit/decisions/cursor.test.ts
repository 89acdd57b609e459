import { decodeCursor, encodeCursor } from '../../../src/decisions/cursor';

describe('decision cursors', () => {
  it('round-trip a sequence number through an opaque string', () => {
    for (const seq of [0, 1, 42, 9_007_199_254_740]) {
      const cursor = encodeCursor(seq);
      expect(cursor).not.toContain(String(seq));
      expect(decodeCursor(cursor)).toBe(seq);
    }
  });

  it('refuse anything this API did not return as BAD_USER_INPUT', () => {
    for (const bad of ['', '42', 'bm90LWEtY3Vyc29y', Buffer.from('decision:-1').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    }
  });
});
