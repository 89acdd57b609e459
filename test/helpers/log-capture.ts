import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerOptions } from '../../src/common/logger';

/** The fields of a pino JSON line that tests read. */
export interface LogLine {
  msg?: string;
  requestId?: string;
  err: { message: string };
  [field: string]: unknown;
}

/** Collects the app's JSON log lines (and their raw text, to search for what must not be there). */
export function captureLogs() {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, raw, logger: pino(loggerOptions('info'), stream) };
}
