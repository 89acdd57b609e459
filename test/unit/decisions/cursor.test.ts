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

  it('refuse a cursor with anything before or after the sequence, saying so', () => {
    const refused = (text: string) => () => decodeCursor(Buffer.from(text).toString('base64url'));
    for (const text of ['xdecision:1', 'decision:1x', 'decision:1\n', 'decision:1234567890123456']) {
      expect(refused(text)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', message: 'after is not a cursor this API returned' }));
    }
  });

  it('accept at most 64 characters, whatever the decoder would skip', () => {
    // The base64url decoder skips characters outside its alphabet, so padding decodes to the same text.
    const cursor = encodeCursor(7);
    expect(decodeCursor(cursor.padEnd(64, ' '))).toBe(7);
    expect(() => decodeCursor(cursor.padEnd(65, ' '))).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});
