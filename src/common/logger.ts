import pino, { Logger } from 'pino';
export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * JSON logs; secrets never reach them (authorization headers and keys are redacted).
 * Lines are buffered and written asynchronously, off the request path; call
 * `flushLogs` before the process exits.
 */
export function createLogger(level: LogLevel): Logger {
  return pino(
    {
      level,
      base: { service: 'ccc-policy' },
      redact: { paths: ['key', 'secret', 'authorization', 'headers.authorization', '*.key'], censor: '[redacted]' },
    },
    pino.destination({ dest: 1, sync: false, minLength: 4096 }),
  );
}

export function flushLogs(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
