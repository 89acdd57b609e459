import { Writable } from 'node:stream';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { loggerOptions, RepeatedErrorLog } from '../../../src/common/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, raw, logger: pino(loggerOptions('info'), stream) };
}

describe('logging', () => {
  it("never writes a failed query's parameters or PostgreSQL's detail (applicant input, key values)", () => {
    const { raw, lines, logger } = capture();
    const driverError = Object.assign(new Error('null value in column "x"'), { code: '23502', detail: 'Failing row contains (我们做信用卡办理).' });
    const failed = new QueryFailedError('SELECT append_decision_batch($1, $2)', ['[{"input":{"description":"我们做信用卡办理"}}]', ['abc']], driverError);
    logger.error({ err: new Error('wrapped', { cause: failed }) }, 'unexpected error');
    logger.error({ err: failed }, 'unexpected error');
    expect(raw.join('')).not.toMatch(/信用卡/);
    expect(lines[1].err).toMatchObject({ type: 'QueryFailedError', message: 'null value in column "x"', query: 'SELECT append_decision_batch($1, $2)' });
  });

  it('logs one kind of error once per interval, then one line with the count of repeats', () => {
    jest.useFakeTimers();
    try {
      const { lines, logger } = capture();
      const repeated = new RepeatedErrorLog(logger, 10_000);
      const outage = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      for (let i = 0; i < 12_853; i++) repeated.log('error', { err: outage(), requestId: `r${i}` }, 'unexpected error');
      repeated.log('error', { err: new Error('something else') }, 'unexpected error');
      expect(lines.map((line) => [line.msg, line.requestId ?? null, line.repeated ?? null])).toEqual([
        ['unexpected error', 'r0', null],
        ['unexpected error', null, null],
      ]);
      jest.advanceTimersByTime(10_000);
      expect(lines).toHaveLength(3);
      expect(lines[2]).toMatchObject({ msg: 'unexpected error (the same error, repeated)', repeated: 12_852, err: { code: 'ECONNREFUSED' } });
      // A new interval starts with the next occurrence, logged in full again.
      repeated.log('error', { err: outage(), requestId: 'later' }, 'unexpected error');
      expect(lines[3]).toMatchObject({ requestId: 'later' });
    } finally {
      jest.useRealTimers();
    }
  });
});
