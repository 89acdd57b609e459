import pino, { Logger, LoggerOptions } from 'pino';
export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Fields of an error that hold values rather than a description: a failed query's
 * parameters (a decision batch carries applicants' input) and PostgreSQL's `detail`
 * (which quotes key values). Dropped at any depth of a logged error.
 */
const VALUE_FIELDS = new Set(['parameters', 'detail']);

function withoutValues(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => withoutValues(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !VALUE_FIELDS.has(key))
      .map(([key, field]) => [key, withoutValues(field, depth + 1)]),
  );
}

/** pino's error serializer, minus the values an error may carry (query parameters, key details). */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return withoutValues(error);
  return withoutValues(pino.stdSerializers.err(error));
}

/** The options every logger of the service uses (tests build theirs from them too). */
export function loggerOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    base: { service: 'ccc-policy' },
    serializers: { err: serializeError },
    redact: { paths: ['key', 'secret', 'authorization', 'headers.authorization', '*.key'], censor: '[redacted]' },
  };
}

/**
 * JSON logs; secrets never reach them (authorization headers and keys are redacted), nor
 * query parameters. Lines are buffered and written asynchronously, off the request path;
 * call `flushLogs` before the process exits.
 */
export function createLogger(level: LogLevel): Logger {
  return pino(loggerOptions(level), pino.destination({ dest: 1, sync: false, minLength: 4096 }));
}

export function flushLogs(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

/**
 * Logs each kind of error (message, error class, code and text) once per interval; the
 * repeats within it are counted and logged as one line when it ends. A database outage
 * fails every request the same way: one line with a count, not a stack trace per request.
 */
export class RepeatedErrorLog {
  private readonly open = new Map<string, { repeated: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
  ) {}

  log(level: 'warn' | 'error', fields: { err?: unknown } & Record<string, unknown>, message: string): void {
    const err = (fields.err ?? {}) as { name?: string; code?: string; message?: string };
    const key = [message, err.name, err.code, err.message].join('\u0000');
    const open = this.open.get(key);
    if (open) {
      open.repeated += 1;
      return;
    }
    this.logger[level](fields, message);
    const entry = { repeated: 0 };
    this.open.set(key, entry);
    setTimeout(() => {
      this.open.delete(key);
      if (entry.repeated > 0) {
        this.logger[level]({ err: fields.err, repeated: entry.repeated, intervalMs: this.intervalMs }, `${message} (the same error, repeated)`);
      }
    }, this.intervalMs).unref();
  }
}
