import type { Pool, PoolClient } from 'pg';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors';
import { PolicyMetrics } from '../metrics/metrics';
import { chainHash, ChainedDecision, DecisionContent, recordHashOf } from './decision-record';

/** The decision could not be made durable, so it was not made: no id is returned for it. */
export class DecisionNotLoggedError extends DomainError {
  readonly code = 'INTERNAL_SERVER_ERROR';
  constructor(cause: unknown) {
    super('the decision could not be written to the decision log, so no decision was made; retry shortly', {
      reason: 'DECISION_NOT_LOGGED',
      retryable: true,
    });
    this.cause = cause;
  }
}

export interface DecisionLogWriterOptions {
  /** How long the first queued record waits for company before its batch is written. */
  batchWindowMs: number;
  /** A batch is written at once when this many records are queued. */
  batchMaxSize: number;
}

interface PendingRecord {
  content: DecisionContent;
  recordHash: string;
}

interface PendingRequest {
  records: PendingRecord[];
  resolve(records: ChainedDecision[]): void;
  reject(error: unknown): void;
}

const COLUMNS = [
  ['seq', 'bigint'],
  ['id', 'uuid'],
  ['kind', 'text'],
  ['ruleset_key', 'text'],
  ['version_number', 'int'],
  ['content_hash', 'text'],
  ['enterprise_id', 'text'],
  ['decision', 'text'],
  ['severity', 'text'],
  ['input', 'jsonb'],
  ['output', 'jsonb'],
  ['state', 'jsonb'],
  ['caller', 'text'],
  ['request_id', 'text'],
  ['engine_version', 'text'],
  ['created_at', 'timestamptz'],
  ['record_hash', 'text'],
  ['prev_hash', 'text'],
  ['hash', 'text'],
] as const;

/**
 * One multi-row INSERT (column arrays unnested: 19 parameters whatever the batch size)
 * that also moves the chain head, so a batch costs three round trips: lock, insert, commit.
 */
const APPEND_SQL = `
  WITH appended AS (
    INSERT INTO decision_log (${COLUMNS.map(([name]) => name).join(', ')})
    SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  )
  UPDATE decision_log_head SET seq = $${COLUMNS.length + 1}, hash = $${COLUMNS.length + 2}`;

const LOCK_HEAD_SQL = 'SELECT seq::text AS seq, hash FROM decision_log_head FOR UPDATE';

/** UTC first day of the month of an ISO time: the partition a record belongs to. */
function monthOf(iso: string): string {
  return `${iso.slice(0, 7)}-01`;
}

function nextMonth(month: string): string {
  const date = new Date(`${month}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString().slice(0, 10);
}

/** Assigns seq and chain hashes to records following `head`, in order. */
export function chainRecords(head: { seq: number; hash: string | null }, records: PendingRecord[]): ChainedDecision[] {
  let seq = head.seq;
  let prevHash = head.hash;
  return records.map(({ content, recordHash }) => {
    seq += 1;
    const hash = chainHash(prevHash, recordHash);
    const chained: ChainedDecision = { ...content, seq, recordHash, prevHash, hash };
    prevHash = hash;
    return chained;
  });
}

function appendParameters(chained: ChainedDecision[], head: { seq: number; hash: string | null }): unknown[] {
  const columns: unknown[][] = COLUMNS.map(() => new Array(chained.length));
  chained.forEach((r, i) => {
    const row = [
      r.seq, r.id, r.kind, r.rulesetKey, r.versionNumber, r.contentHash, r.enterpriseId, r.decision, r.severity,
      JSON.stringify(r.input), JSON.stringify(r.output), JSON.stringify(r.state),
      r.caller, r.requestId, r.engineVersion, r.createdAt, r.recordHash, r.prevHash, r.hash,
    ];
    for (let c = 0; c < row.length; c += 1) columns[c][i] = row[c];
  });
  return [...columns, head.seq, head.hash];
}

/**
 * The group-commit writer of the decision log. Concurrent requests queue their records;
 * a batch is appended in one transaction per short tick (or as soon as it is full), under
 * the chain-head row lock, so any number of writers in any number of processes extend one
 * unforked chain. Each request's promise settles only after its batch has committed; a
 * failed batch rejects exactly the requests in it. A request's records are never split
 * across batches.
 */
export class DecisionLogWriter {
  private queue: PendingRequest[] = [];
  private queuedRecords = 0;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private closed = false;
  private readonly ensuredMonths = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly options: DecisionLogWriterOptions,
    private readonly metrics: PolicyMetrics | null = null,
  ) {}

  /** Creates this and next month's partitions (idempotent, safe across processes). */
  async start(now = new Date()): Promise<void> {
    const month = monthOf(now.toISOString());
    await this.ensurePartitions([month, nextMonth(month)]);
  }

  /** Queues records of one request; resolves once they are durable, with their place in the chain. */
  append(contents: DecisionContent[]): Promise<ChainedDecision[]> {
    if (this.closed) return Promise.reject(new DecisionNotLoggedError(new Error('decision log writer is closed')));
    if (contents.length === 0) return Promise.resolve([]);
    let records: PendingRecord[];
    try {
      records = contents.map((content) => ({ content, recordHash: recordHashOf(content) }));
    } catch (error) {
      return Promise.reject(new DecisionNotLoggedError(error));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.queuedRecords += records.length;
      if (this.queuedRecords >= this.options.batchMaxSize || this.options.batchWindowMs === 0) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.options.batchWindowMs);
    });
  }

  /**
   * Appends records inside the caller's transaction (recordViolation: the standing change
   * and its decision commit together). Takes the chain-head lock, so call it last, just
   * before commit, and call `preparePartitions` before the transaction begins.
   */
  async appendInTransaction(manager: EntityManager, contents: DecisionContent[]): Promise<ChainedDecision[]> {
    const records = contents.map((content) => ({ content, recordHash: recordHashOf(content) }));
    const [head] = (await manager.query(LOCK_HEAD_SQL)) as { seq: string; hash: string | null }[];
    const from = { seq: Number(head.seq), hash: head.hash };
    const chained = chainRecords(from, records);
    const last = chained[chained.length - 1];
    await manager.query(APPEND_SQL, appendParameters(chained, { seq: last.seq, hash: last.hash }));
    return chained;
  }

  /** Makes sure the month partitions for these times exist (outside any transaction). */
  async preparePartitions(times: string[]): Promise<void> {
    await this.ensurePartitions(times.map(monthOf));
  }

  /** Stops accepting records and writes everything queued. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.draining) {
      this.kick();
      await this.draining;
    }
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.draining || this.queue.length === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      // Requests that arrived while the last batch committed must not wait for another arrival.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: PendingRequest[] = [];
      let size = 0;
      while (this.queue.length > 0 && (size === 0 || size + this.queue[0].records.length <= this.options.batchMaxSize)) {
        const request = this.queue.shift()!;
        batch.push(request);
        size += request.records.length;
      }
      this.queuedRecords -= size;
      try {
        const chained = await this.writeBatch(batch.flatMap((request) => request.records));
        let offset = 0;
        for (const request of batch) {
          request.resolve(chained.slice(offset, offset + request.records.length));
          offset += request.records.length;
        }
      } catch (error) {
        const failure = error instanceof DecisionNotLoggedError ? error : new DecisionNotLoggedError(error);
        for (const request of batch) request.reject(failure);
      }
    }
  }

  private async writeBatch(records: PendingRecord[]): Promise<ChainedDecision[]> {
    const started = process.hrtime.bigint();
    await this.ensurePartitions(records.map((record) => monthOf(record.content.createdAt)));
    const client: PoolClient = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const { rows } = await client.query<{ seq: string; hash: string | null }>(LOCK_HEAD_SQL);
        const chained = chainRecords({ seq: Number(rows[0].seq), hash: rows[0].hash }, records);
        const last = chained[chained.length - 1];
        await client.query(APPEND_SQL, appendParameters(chained, { seq: last.seq, hash: last.hash }));
        await client.query('COMMIT');
        this.metrics?.logBatchSize.observe(records.length);
        this.metrics?.logCommitDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
        return chained;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      }
    } catch (error) {
      broken ??= isConnectionError(error) ? (error as Error) : undefined;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private async ensurePartitions(months: string[]): Promise<void> {
    for (const month of new Set(months)) {
      if (this.ensuredMonths.has(month)) continue;
      await this.pool.query('SELECT ensure_decision_log_partition($1::date)', [month]);
      this.ensuredMonths.add(month);
    }
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return !code || /^(08|57P)/.test(code) || ['ECONNRESET', 'EPIPE', 'ECONNREFUSED'].includes(code);
}
