import type { Pool } from 'pg';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors';
import { PolicyMetrics } from '../metrics/metrics';
import { ChainedDecision, DecisionContent, LEAN_FORMAT, SerialisedDecision, serialiseDecision } from './decision-record';

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
  serialised: SerialisedDecision;
}

/** Every record this writer appends is lean: its hash covers the compact output (the caller still gets the full one). */
const pending = (decision: DecisionContent): PendingRecord => {
  const content: DecisionContent = { ...decision, format: LEAN_FORMAT };
  return { content, serialised: serialiseDecision(content) };
};

interface PendingRequest {
  records: PendingRecord[];
  resolve(records: ChainedDecision[]): void;
  reject(error: unknown): void;
}

/** The parameters of append_decision_records, in its order: one array per column, element i for record i. */
const APPEND_COLUMNS: { type: string; value(record: PendingRecord): unknown }[] = [
  { type: 'uuid', value: ({ content }) => content.id },
  { type: 'text', value: ({ content }) => content.kind },
  { type: 'text', value: ({ content }) => content.rulesetKey },
  { type: 'integer', value: ({ content }) => content.versionNumber },
  { type: 'text', value: ({ content }) => content.contentHash },
  { type: 'text', value: ({ content }) => content.enterpriseId },
  { type: 'text', value: ({ content }) => content.decision },
  { type: 'text', value: ({ content }) => content.severity },
  { type: 'text', value: ({ serialised }) => serialised.input },
  { type: 'text', value: ({ serialised }) => serialised.output },
  { type: 'text', value: ({ serialised }) => serialised.state },
  { type: 'text', value: ({ content }) => content.caller },
  { type: 'text', value: ({ content }) => content.requestId },
  { type: 'text', value: ({ content }) => content.engineVersion },
  { type: 'timestamptz', value: ({ content }) => content.createdAt },
  { type: 'text', value: ({ serialised }) => serialised.recordHash },
];

/**
 * One statement per batch (migration LeanDecisionRecord): it locks the chain head, chains,
 * inserts and moves the head, so the lock is held for one round trip and the batch commits as
 * a single-statement transaction. Records written here are lean (format 2); the documents are
 * sent as the canonical text they were hashed from, the batch as typed arrays.
 */
const APPEND_SQL = `SELECT first_seq::text AS first_seq, head_hash, hashes
  FROM append_decision_records(${APPEND_COLUMNS.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ')})`;

interface AppendResult {
  first_seq: string;
  head_hash: string | null;
  hashes: string[];
}

/** UTC first day of the month of an ISO time: the partition a record belongs to. */
function monthOf(iso: string): string {
  return `${iso.slice(0, 7)}-01`;
}

function nextMonth(month: string): string {
  const date = new Date(`${month}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString().slice(0, 10);
}

const appendParameters = (records: PendingRecord[]): unknown[][] => APPEND_COLUMNS.map((column) => records.map(column.value));

/** The records with the places the database gave them in the chain. */
function chained(records: PendingRecord[], result: AppendResult): ChainedDecision[] {
  const first = Number(result.first_seq);
  return records.map(({ content, serialised }, i) => ({
    ...content,
    seq: first + i,
    recordHash: serialised.recordHash,
    prevHash: i === 0 ? result.head_hash : result.hashes[i - 1],
    hash: result.hashes[i],
  }));
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
  async start(now: Date): Promise<void> {
    const month = monthOf(now.toISOString());
    await this.ensurePartitions([month, nextMonth(month)]);
  }

  /** Queues records of one request; resolves once they are durable, with their place in the chain. */
  append(contents: DecisionContent[]): Promise<ChainedDecision[]> {
    if (this.closed) return Promise.reject(new DecisionNotLoggedError(new Error('decision log writer is closed')));
    if (contents.length === 0) return Promise.resolve([]);
    let records: PendingRecord[];
    try {
      records = contents.map(pending);
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
    const records = contents.map(pending);
    const [result] = (await manager.query(APPEND_SQL, appendParameters(records))) as AppendResult[];
    return chained(records, result);
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
    const { rows } = await this.pool.query<AppendResult>(APPEND_SQL, appendParameters(records));
    this.metrics?.logBatchSize.observe(records.length);
    this.metrics?.logCommitDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return chained(records, rows[0]);
  }

  private async ensurePartitions(months: string[]): Promise<void> {
    for (const month of new Set(months)) {
      if (this.ensuredMonths.has(month)) continue;
      await this.pool.query('SELECT ensure_decision_log_partition($1::date)', [month]);
      this.ensuredMonths.add(month);
    }
  }
}
