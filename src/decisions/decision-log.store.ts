import { EntityManager } from 'typeorm';
import { isUuid } from '../common/ids';
import { chainHash, ChainedDecision, DECISION_FIELDS, DecisionContent, LEAN_FORMAT } from './decision-record';

/**
 * The typed SQL of the decision log's reads (appends go through append_decision_records, see
 * DecisionLogWriter). Columns and the row mapper are derived from DECISION_FIELDS, so a new
 * record field is declared once. Both record formats come back in one shape: a lean record's
 * hashes as hex, its content hash from the version table and its prevHash from the position
 * before it (`completeRecords`); its output stays the compact one it stores.
 */
/** A record's hashes as hex, whichever format stores them (text, or bytea for a lean record); `alias` qualifies the columns. */
function hashColumns(alias = ''): { recordHash: string; prevHash: string; hash: string } {
  const column = (name: string) => (alias === '' ? name : `${alias}.${name}`);
  return {
    recordHash: `coalesce(${column('record_hash')}, encode(${column('record_sha256')}, 'hex')) AS record_hash`,
    prevHash: column('prev_hash'),
    hash: `coalesce(${column('hash')}, encode(${column('chain_sha256')}, 'hex')) AS hash`,
  };
}

const HASHES = hashColumns();

/** The select list of a record, its columns qualified by `alias` (a table alias, or none). */
export function recordColumns(alias = ''): string {
  const { recordHash, prevHash, hash } = hashColumns(alias);
  const fields = ['seq', ...DECISION_FIELDS.map((field) => field.column)].map((name) => (alias === '' ? name : `${alias}.${name}`));
  return [...fields, recordHash, prevHash, hash].join(', ');
}

export const RECORD_COLUMNS = recordColumns();

/** A decision_log row as pg returns it (bigint seq as text, timestamptz as Date, jsonb parsed). */
export type RecordRow = Record<string, unknown> & { seq: string; record_hash: string; prev_hash: string | null; hash: string };

export function toRecord(row: RecordRow): ChainedDecision {
  const content: Record<string, unknown> = {};
  for (const field of DECISION_FIELDS) {
    const value = row[field.column];
    if (field.key === 'format') {
      if (value === LEAN_FORMAT) content.format = LEAN_FORMAT;
    } else content[field.key] = field.time ? (value as Date).toISOString() : value;
  }
  return { ...(content as unknown as DecisionContent), seq: Number(row.seq), recordHash: row.record_hash, prevHash: row.prev_hash, hash: row.hash };
}

/**
 * Completes lean records read from the log: the content hash of their version (the version
 * table holds it, immutably) and the chain hash of the position before each (its prevHash).
 * Predecessors among the records given (or `before`, the record preceding them in a walk) are
 * used as they are; the others are read in one query.
 */
export async function completeRecords(
  db: EntityManager,
  records: ChainedDecision[],
  before: ChainedDecision | null = null,
  links = true,
): Promise<ChainedDecision[]> {
  const lean = records.filter((record) => record.format === LEAN_FORMAT);
  if (lean.length === 0) return records;
  const versions = new Map<string, { key: string; number: number }>();
  for (const record of lean) versions.set(`${record.versionNumber}:${record.rulesetKey}`, { key: record.rulesetKey, number: record.versionNumber });
  const hashAt = new Map<number, string>();
  for (const record of before ? [before, ...records] : records) hashAt.set(record.seq, record.hash);
  const missing = links ? [...new Set(lean.map((record) => record.seq - 1).filter((seq) => seq > 0 && !hashAt.has(seq)))] : [];
  const [contentHashes, predecessors]: [{ key: string; number: number; content_hash: string }[], { seq: string; hash: string }[]] = await Promise.all([
    db.query(
      `SELECT r.key, v.number, v.content_hash FROM ruleset_version v JOIN ruleset r ON r.id = v.ruleset_id
       JOIN unnest($1::text[], $2::integer[]) AS wanted(key, number) ON wanted.key = r.key AND wanted.number = v.number`,
      [[...versions.values()].map((version) => version.key), [...versions.values()].map((version) => version.number)],
    ),
    missing.length === 0 ? Promise.resolve([]) : db.query(`SELECT seq::text AS seq, ${HASHES.hash} FROM decision_log WHERE seq = ANY($1::bigint[])`, [missing]),
  ]);
  const contentHashOf = new Map(contentHashes.map((row) => [`${row.number}:${row.key}`, row.content_hash]));
  for (const row of predecessors) hashAt.set(Number(row.seq), row.hash);
  for (const record of lean) {
    record.contentHash = contentHashOf.get(`${record.versionNumber}:${record.rulesetKey}`) ?? '';
    if (links) record.prevHash = record.seq === 1 ? null : (hashAt.get(record.seq - 1) ?? null);
  }
  return records;
}

/** What `decisions` can filter on; every condition is a parameter, never SQL text from the caller. */
export interface DecisionFilterArgs {
  rulesetKey?: string | null;
  versionNumber?: number | null;
  kind?: string | null;
  enterpriseId?: string | null;
  decision?: string | null;
  severity?: string | null;
  from?: Date | null;
  to?: Date | null;
}

function filterClause(filter: DecisionFilterArgs): { where: string[]; params: unknown[] } {
  const where: string[] = ['TRUE'];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.rulesetKey) add('ruleset_key = ?', filter.rulesetKey);
  if (filter.versionNumber !== undefined && filter.versionNumber !== null) add('version_number = ?', filter.versionNumber);
  if (filter.kind) add('kind = ?', filter.kind);
  if (filter.enterpriseId) add('enterprise_id = ?', filter.enterpriseId);
  if (filter.decision) add('decision = ?', filter.decision);
  if (filter.severity) add('severity = ?', filter.severity);
  if (filter.from) add('created_at >= ?', filter.from);
  if (filter.to) add('created_at < ?', filter.to);
  return { where, params };
}

export async function findDecision(db: EntityManager, id: string): Promise<ChainedDecision | null> {
  if (!isUuid(id)) return null;
  const rows: RecordRow[] = await db.query(`SELECT ${RECORD_COLUMNS} FROM decision_log WHERE id = $1`, [id]);
  return rows[0] ? (await completeRecords(db, [toRecord(rows[0])]))[0] : null;
}

/** The recorded-violation decisions of an enterprise (those that changed its record), in log order. */
export async function enterpriseViolations(db: EntityManager, enterpriseId: string): Promise<ChainedDecision[]> {
  const rows: RecordRow[] = await db.query(
    `SELECT ${RECORD_COLUMNS} FROM decision_log
     WHERE enterprise_id = $1 AND kind = 'RECORDED_VIOLATION'
       AND id IN (SELECT decision_id FROM enterprise_violation WHERE enterprise_id = $1)
     ORDER BY seq`,
    [enterpriseId],
  );
  return completeRecords(db, rows.map(toRecord));
}

/** Up to `limit` records matching the filter after sequence `afterSeq`, in log order. */
export async function filteredPage(db: EntityManager, filter: DecisionFilterArgs, afterSeq: number, limit: number): Promise<ChainedDecision[]> {
  const { where, params } = filterClause(filter);
  const rows: RecordRow[] = await db.query(
    `SELECT ${RECORD_COLUMNS} FROM decision_log WHERE ${[...where, `seq > $${params.length + 1}`].join(' AND ')}
     ORDER BY seq LIMIT $${params.length + 2}`,
    [...params, afterSeq, limit],
  );
  return completeRecords(db, rows.map(toRecord));
}

export async function countFiltered(db: EntityManager, filter: DecisionFilterArgs): Promise<number> {
  const { where, params } = filterClause(filter);
  const [{ count }]: { count: number }[] = await db.query(`SELECT count(*)::int AS count FROM decision_log WHERE ${where.join(' AND ')}`, params);
  return count;
}

/** The chain head: the newest sequence and its hash (0 and null for an empty log). */
export async function chainHead(db: EntityManager): Promise<{ seq: number; hash: string | null }> {
  const [head]: { seq: string; hash: string | null }[] = await db.query('SELECT seq::text AS seq, hash FROM decision_log_head');
  return { seq: Number(head.seq), hash: head.hash };
}

/** The first and last sequence of the records in [from, to), by time; null when the window holds none. */
export async function sequenceWindow(db: EntityManager, from: Date | null, to: Date | null): Promise<{ first: number; last: number } | null> {
  const [bounds]: { first: string | null; last: string | null }[] = await db.query(
    `SELECT (SELECT min(seq) FROM decision_log WHERE $1::timestamptz IS NULL OR created_at >= $1)::text AS first,
            (SELECT max(seq) FROM decision_log WHERE $2::timestamptz IS NULL OR created_at < $2)::text AS last`,
    [from, to],
  );
  if (bounds.first === null || bounds.last === null || Number(bounds.first) > Number(bounds.last)) return null;
  return { first: Number(bounds.first), last: Number(bounds.last) };
}

/** The record just before sequence `seq`, if any: the anchor of a window's chain. */
export async function recordBefore(db: EntityManager, seq: number): Promise<{ seq: number; hash: string } | null> {
  const rows: { seq: string; hash: string }[] = await db.query(`SELECT seq, ${HASHES.hash} FROM decision_log WHERE seq < $1 ORDER BY seq DESC LIMIT 1`, [seq]);
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
}

/**
 * The record just after sequence `seq`, if any, and whether it continues the chain from `hash`
 * (a format-1 record by its prev_hash, a lean one by its chain hash): what a window's last
 * record must continue into.
 */
export async function recordAfter(db: EntityManager, seq: number, hash: string | null): Promise<{ id: string; seq: number; continues: boolean } | null> {
  const rows: { id: string; seq: string; prev_hash: string | null; record_hash: string; hash: string; record_format: number }[] = await db.query(
    `SELECT id, seq::text AS seq, record_format, ${HASHES.recordHash}, ${HASHES.prevHash}, ${HASHES.hash}
     FROM decision_log WHERE seq > $1 ORDER BY decision_log.seq LIMIT 1`,
    [seq],
  );
  const next = rows[0];
  if (!next) return null;
  const continues = next.record_format === LEAN_FORMAT ? chainHash(hash, next.record_hash) === next.hash : next.prev_hash === hash;
  return { id: next.id, seq: Number(next.seq), continues };
}

export async function recordAt(db: EntityManager, seq: string): Promise<{ id: string; hash: string } | null> {
  const rows: { id: string; hash: string }[] = await db.query(`SELECT id, ${HASHES.hash} FROM decision_log WHERE seq = $1::bigint`, [seq]);
  return rows[0] ?? null;
}

/** What a walk over the log reads: a sequence range, optionally one ruleset and a time window. */
export interface LogRange {
  afterSeq: number;
  lastSeq: number;
  rulesetKey?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/**
 * Walks the records of a range in sequence order, `chunk` at a time (keyset pagination:
 * constant memory whatever the log's size). Each chunk is handed over before the next is read.
 * Without `links` (a walk that replays, not one that verifies or exports), lean records come
 * without prevHash: a filtered walk would otherwise read the predecessor of nearly every record.
 */
export async function* walkLog(db: EntityManager, range: LogRange, chunk: number, links = true): AsyncGenerator<ChainedDecision[]> {
  // Only the conditions given, so every chunk's plan can use the ruleset and time indexes.
  const { where, params } = filterClause({ rulesetKey: range.rulesetKey, from: range.from, to: range.to });
  const sql = `SELECT ${RECORD_COLUMNS} FROM decision_log WHERE ${where.join(' AND ')} AND seq > $${params.length + 1} AND seq <= $${params.length + 2}
     ORDER BY seq LIMIT ${chunk}`;
  let after = range.afterSeq;
  let previous: ChainedDecision | null = null;
  for (;;) {
    const rows: RecordRow[] = await db.query(sql, [...params, after, range.lastSeq]);
    if (rows.length === 0) return;
    const records = await completeRecords(db, rows.map(toRecord), previous, links);
    yield records;
    if (rows.length < chunk) return;
    previous = records[records.length - 1];
    after = previous.seq;
  }
}

/** How many records a range holds, and the oldest and newest one's sequence (0 when none): an export's header and bounds. */
export async function rangeSummary(
  db: EntityManager,
  range: Omit<LogRange, 'afterSeq' | 'lastSeq'>,
): Promise<{ count: number; firstSeq: number; lastSeq: number }> {
  const [summary]: { count: number; first: string | null; last: string | null }[] = await db.query(
    `SELECT count(*)::int AS count, min(seq)::text AS first, max(seq)::text AS last FROM decision_log
     WHERE ($1::text IS NULL OR ruleset_key = $1) AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)`,
    [range.rulesetKey ?? null, range.from ?? null, range.to ?? null],
  );
  return { count: summary.count, firstSeq: Number(summary.first ?? 0), lastSeq: Number(summary.last ?? 0) };
}

/**
 * The whole blocks of a ruleset's records that a window [from, to) covers, as a range of
 * sequence numbers (null when it covers none). Block i holds the ruleset's records number
 * i·size … (i+1)·size − 1 in log order; records never move between blocks (the log only
 * grows), so two windows differ by whole blocks, never by one record.
 */
export async function wholeBlocks(
  db: EntityManager,
  window: { rulesetKey: string; from?: Date | null; to?: Date | null; lastSeq: number },
  size: number,
): Promise<{ afterSeq: number; lastSeq: number } | null> {
  const [bounds]: { before: string; through: string }[] = await db.query(
    `WITH inside AS (
       SELECT min(seq) AS first, max(seq) AS last FROM decision_log
       WHERE ruleset_key = $1 AND seq <= $2 AND ($3::timestamptz IS NULL OR created_at >= $3) AND ($4::timestamptz IS NULL OR created_at < $4))
     SELECT (SELECT count(*) FROM decision_log WHERE ruleset_key = $1 AND seq < inside.first)::text AS before,
            (SELECT count(*) FROM decision_log WHERE ruleset_key = $1 AND seq <= inside.last)::text AS through
     FROM inside WHERE inside.first IS NOT NULL`,
    [window.rulesetKey, window.lastSeq, window.from ?? null, window.to ?? null],
  );
  if (!bounds) return null;
  const start = Math.ceil(Number(bounds.before) / size) * size;
  const end = Math.floor(Number(bounds.through) / size) * size;
  if (end - start < size) return null;
  const seqAt = async (position: number): Promise<number> => {
    // Ordered by the bigint column, not by its text (which would put 10 before 2).
    const [row]: { position: string }[] = await db.query(
      'SELECT seq::text AS position FROM decision_log WHERE ruleset_key = $1 ORDER BY seq OFFSET $2 LIMIT 1',
      [window.rulesetKey, position],
    );
    return Number(row.position);
  };
  return { afterSeq: (await seqAt(start)) - 1, lastSeq: await seqAt(end - 1) };
}
