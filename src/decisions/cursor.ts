import { BadInputError } from '../common/errors';

const PREFIX = 'decision:';

/** Opaque Relay cursor over the log's sequence number. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`${PREFIX}${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^decision:(\d{1,15})$/.exec(text);
  if (!match || cursor.length > 64) throw new BadInputError('after is not a cursor this API returned');
  return Number(match[1]);
}
