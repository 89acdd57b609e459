import pino, { Logger } from 'pino';
import { LogLevel } from '../config/config';

export type { Logger };

/** JSON logs; secrets never reach them (authorization headers and keys are redacted). */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'ccc-policy' },
    redact: { paths: ['key', 'secret', 'authorization', 'headers.authorization', '*.key'], censor: '[redacted]' },
  });
}
