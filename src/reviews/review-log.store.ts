import { EntityManager } from 'typeorm';
import { isUuid } from '../common/ids';
import { completeRecords, recordColumns, RecordRow, toRecord } from '../decisions/decision-log.store';
import type { ChainedDecision } from '../decisions/decision-record';
import { ChainedReview, chainReview, ReviewContent, ReviewOutcome, ReviewReason } from './review-record';

/**
 * The typed SQL of the review log (appeals and final answers, hash-chained) and of the review
 * queue (the decisions awaiting an answer). The guards are triggers (migration ReviewLoop).
 */

/** Serialises appends to the review chain (one transaction at a time extends it). */
const REVIEW_CHAIN_LOCK = 1764300016;

const REVIEW_COLUMNS =
  'seq::text AS seq, id, kind, decision_id, decision_hash, decided_at, ruleset_key, version_number, automatic_decision, outcome, reason, rule_keys, supersedes, caller, created_at, record_hash, prev_hash, hash';

interface ReviewRow {
  seq: string;
  id: string;
  kind: ChainedReview['kind'];
  decision_id: string;
  decision_hash: string;
  decided_at: Date;
  ruleset_key: string;
  version_number: number;
  automatic_decision: string;
  outcome: ReviewOutcome | null;
  reason: string;
  rule_keys: string[];
  supersedes: string | null;
  caller: string;
  created_at: Date;
  record_hash: string;
  prev_hash: string | null;
  hash: string;
}

function toReview(row: ReviewRow): ChainedReview {
  return {
    id: row.id,
    kind: row.kind,
    decisionId: row.decision_id,
    decisionHash: row.decision_hash,
    decidedAt: row.decided_at.toISOString(),
    rulesetKey: row.ruleset_key,
    versionNumber: row.version_number,
    automaticDecision: row.automatic_decision,
    outcome: row.outcome,
    reason: row.reason,
    ruleKeys: row.rule_keys,
    supersedes: row.supersedes,
    caller: row.caller,
    createdAt: row.created_at.toISOString(),
    seq: Number(row.seq),
    recordHash: row.record_hash,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Appends one record at the end of the chain; `tx` must be a transaction (the lock lasts until it ends). */
export async function appendReview(tx: EntityManager, content: ReviewContent): Promise<ChainedReview> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [REVIEW_CHAIN_LOCK]);
  const [last]: { seq: string; hash: string }[] = await tx.query('SELECT seq::text AS seq, hash FROM review_log ORDER BY seq DESC LIMIT 1');
  const record = chainReview(content, last ? { seq: Number(last.seq), hash: last.hash } : null);
  await tx.query(
    `INSERT INTO review_log (seq, id, kind, decision_id, decision_hash, decided_at, ruleset_key, version_number, automatic_decision, outcome,
                             reason, rule_keys, supersedes, caller, created_at, record_hash, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, $15, $16, $17, $18)`,
    [
      record.seq,
      record.id,
      record.kind,
      record.decisionId,
      record.decisionHash,
      record.decidedAt,
      record.rulesetKey,
      record.versionNumber,
      record.automaticDecision,
      record.outcome,
      record.reason,
      JSON.stringify(record.ruleKeys),
      record.supersedes,
      record.caller,
      record.createdAt,
      record.recordHash,
      record.prevHash,
      record.hash,
    ],
  );
  return record;
}

/** Every review record of a decision, oldest first. */
export async function reviewsOfDecision(db: EntityManager, decisionId: string): Promise<ChainedReview[]> {
  if (!isUuid(decisionId)) return [];
  const rows: ReviewRow[] = await db.query(`SELECT ${REVIEW_COLUMNS} FROM review_log WHERE decision_id = $1 ORDER BY seq`, [decisionId]);
  return rows.map(toReview);
}

/** The review records of each of these decisions that has some, oldest first: what an export attaches to them. */
export async function reviewsOfDecisions(db: EntityManager, decisionIds: string[]): Promise<Map<string, ChainedReview[]>> {
  const reviews = new Map<string, ChainedReview[]>();
  if (decisionIds.length === 0) return reviews;
  const rows: ReviewRow[] = await db.query(`SELECT ${REVIEW_COLUMNS} FROM review_log WHERE decision_id = ANY($1::uuid[]) ORDER BY seq`, [decisionIds]);
  for (const row of rows) {
    const review = toReview(row);
    reviews.set(review.decisionId, [...(reviews.get(review.decisionId) ?? []), review]);
  }
  return reviews;
}

/** Takes the lock appends take, so that what is read next stays true until this transaction appends. */
export async function lockReviewChain(tx: EntityManager): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [REVIEW_CHAIN_LOCK]);
}

/** Walks the review chain in order, `chunk` records at a time. */
export async function* walkReviews(db: EntityManager, chunk: number): AsyncGenerator<ChainedReview[]> {
  let after = 0;
  for (;;) {
    const rows: ReviewRow[] = await db.query(`SELECT ${REVIEW_COLUMNS} FROM review_log WHERE seq > $1 ORDER BY seq LIMIT ${chunk}`, [after]);
    if (rows.length === 0) return;
    yield rows.map(toReview);
    if (rows.length < chunk) return;
    after = Number(rows[rows.length - 1].seq);
  }
}

/** The final answer (the newest outcome: corrections supersede) of each of these decisions that has one. */
export async function finalAnswers(db: EntityManager, decisionIds: string[]): Promise<Map<string, ReviewOutcome>> {
  if (decisionIds.length === 0) return new Map();
  const rows: { decision_id: string; outcome: ReviewOutcome }[] = await db.query(
    `SELECT DISTINCT ON (decision_id) decision_id, outcome FROM review_log
     WHERE decision_id = ANY($1::uuid[]) AND kind = 'OUTCOME' ORDER BY decision_id, seq DESC`,
    [decisionIds],
  );
  return new Map(rows.map((row) => [row.decision_id, row.outcome]));
}

/** An appealed REJECT joins the queue (a REVIEW decision joined it when it was logged). */
export async function queueAppeal(tx: EntityManager, decision: ChainedDecision): Promise<void> {
  await tx.query(
    `INSERT INTO review_queue (decision_id, ruleset_key, version_number, decision_seq, decided_at, reason, risk_score)
     VALUES ($1, $2, $3, $4, $5, 'APPEAL', 0)`,
    [decision.id, decision.rulesetKey, decision.versionNumber, decision.seq, decision.createdAt],
  );
}

/** The decision leaves the queue (its trigger allows it only once an outcome is logged); false when it was not there. */
export async function dequeue(tx: EntityManager, decisionId: string): Promise<boolean> {
  const rows: unknown[] = await tx.query('DELETE FROM review_queue WHERE decision_id = $1 RETURNING decision_id', [decisionId]);
  return rows.length > 0;
}

export type QueueOrder = 'OLDEST' | 'RISK';

/** Where a page of the queue continues: after this risk score (RISK order) and decision sequence. */
export interface QueuePosition {
  riskScore: number;
  decisionSeq: number;
}

export interface QueueItem {
  decisionId: string;
  reason: ReviewReason;
  riskScore: number;
  decisionSeq: number;
  decision: ChainedDecision;
}

const DECISION_COLUMNS = recordColumns('d');

/**
 * The SQL of a page of the queue: up to `limit` waiting decisions of a ruleset after `after`,
 * with their records. Each branch is one range scan of a queue index (review_queue_oldest,
 * review_queue_riskiest): the RISK order continues within the same score first, then below
 * it. Exported for the test that shows its plan.
 */
export function queuePageQuery(
  rulesetKey: string,
  order: QueueOrder,
  reason: ReviewReason | null,
  after: QueuePosition | null,
  limit: number,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [rulesetKey, reason, limit];
  const reasonFilter = '($2::text IS NULL OR reason = $2)';
  let waiting: string;
  if (order === 'OLDEST') {
    params.push(after?.decisionSeq ?? 0);
    waiting = `SELECT * FROM review_queue WHERE ruleset_key = $1 AND ${reasonFilter} AND decision_seq > $4 ORDER BY decision_seq LIMIT $3`;
  } else if (after === null) {
    waiting = `SELECT * FROM review_queue WHERE ruleset_key = $1 AND ${reasonFilter} ORDER BY risk_score DESC, decision_seq LIMIT $3`;
  } else {
    params.push(after.riskScore, after.decisionSeq);
    waiting = `(SELECT * FROM review_queue WHERE ruleset_key = $1 AND ${reasonFilter} AND risk_score = $4 AND decision_seq > $5 ORDER BY decision_seq LIMIT $3)
       UNION ALL
       (SELECT * FROM review_queue WHERE ruleset_key = $1 AND ${reasonFilter} AND risk_score < $4 ORDER BY risk_score DESC, decision_seq LIMIT $3)`;
  }
  const ordering = order === 'OLDEST' ? 'q.decision_seq' : 'q.risk_score DESC, q.decision_seq';
  return {
    sql: `SELECT q.reason AS q_reason, q.risk_score AS q_risk_score, q.decision_seq::text AS q_decision_seq, ${DECISION_COLUMNS}
     FROM (${waiting}) q JOIN decision_log d ON d.seq = q.decision_seq AND d.created_at = q.decided_at
     ORDER BY ${ordering} LIMIT $3`,
    params,
  };
}

export async function queuePage(
  db: EntityManager,
  rulesetKey: string,
  order: QueueOrder,
  reason: ReviewReason | null,
  after: QueuePosition | null,
  limit: number,
): Promise<QueueItem[]> {
  const { sql, params } = queuePageQuery(rulesetKey, order, reason, after, limit);
  const rows: (RecordRow & { q_reason: ReviewReason; q_risk_score: number; q_decision_seq: string })[] = await db.query(sql, params);
  const decisions = await completeRecords(db, rows.map(toRecord));
  return rows.map((row, i) => ({
    decisionId: decisions[i].id,
    reason: row.q_reason,
    riskScore: row.q_risk_score,
    decisionSeq: Number(row.q_decision_seq),
    decision: decisions[i],
  }));
}

export async function queueCount(db: EntityManager, rulesetKey: string, reason: ReviewReason | null): Promise<number> {
  const [{ count }]: { count: number }[] = await db.query(
    'SELECT count(*)::int AS count FROM review_queue WHERE ruleset_key = $1 AND ($2::text IS NULL OR reason = $2)',
    [rulesetKey, reason],
  );
  return count;
}

export async function isQueued(db: EntityManager, decisionId: string): Promise<ReviewReason | null> {
  const rows: { reason: ReviewReason }[] = await db.query('SELECT reason FROM review_queue WHERE decision_id = $1', [decisionId]);
  return rows[0]?.reason ?? null;
}

/** Positions of the decision log (afterSeq, lastSeq]: the whole blocks a window covers, for roles that may not read the log. */
export interface SequenceRange {
  afterSeq: number;
  lastSeq: number;
}

/** What the quality report reads of one reviewed decision: its final answer, appeal, and what its version matched and flagged. */
export interface ReviewedDecision {
  decisionId: string;
  versionNumber: number;
  automaticDecision: string;
  outcome: ReviewOutcome;
  appealed: boolean;
  /** Rule keys reviewers named (final answer). */
  namedRuleKeys: string[];
  matchedRuleKeys: string[];
  signalRuleKeys: string[];
}

/**
 * The decisions of a ruleset made in [from, to) that have a final answer. The review log's
 * ruleset/time index picks them; each decision's output is read by its partition key.
 */
export async function reviewedDecisions(
  db: EntityManager,
  rulesetKey: string,
  from: Date | null,
  to: Date | null,
  blocks: SequenceRange | null,
): Promise<ReviewedDecision[]> {
  const rows: {
    decision_id: string;
    version_number: number;
    automatic_decision: string;
    outcome: ReviewOutcome;
    rule_keys: string[];
    appealed: boolean;
    matched: string[] | null;
    signalled: string[] | null;
  }[] = await db.query(
    `WITH window_reviews AS (
       SELECT * FROM review_log WHERE ruleset_key = $1 AND ($2::timestamptz IS NULL OR decided_at >= $2) AND ($3::timestamptz IS NULL OR decided_at < $3)
     ), final AS (
       SELECT DISTINCT ON (decision_id) decision_id, decided_at, version_number, automatic_decision, outcome, rule_keys
       FROM window_reviews WHERE kind = 'OUTCOME' ORDER BY decision_id, seq DESC
     )
     SELECT f.decision_id, f.version_number, f.automatic_decision, f.outcome, f.rule_keys,
            EXISTS (SELECT 1 FROM window_reviews a WHERE a.decision_id = f.decision_id AND a.kind = 'APPEAL') AS appealed,
            (SELECT array_agg(m->>'ruleKey') FROM jsonb_array_elements(d.output->'matches') m) AS matched,
            (SELECT array_agg(s->>'ruleKey') FROM jsonb_array_elements(coalesce(d.output->'signals', '[]'::jsonb)) s) AS signalled
     FROM final f JOIN decision_log d ON d.id = f.decision_id AND d.created_at = f.decided_at
     WHERE ($4::bigint IS NULL OR (d.seq > $4 AND d.seq <= $5))`,
    [rulesetKey, from, to, blocks?.afterSeq ?? null, blocks?.lastSeq ?? null],
  );
  return rows.map((row) => ({
    decisionId: row.decision_id,
    versionNumber: row.version_number,
    automaticDecision: row.automatic_decision,
    outcome: row.outcome,
    appealed: row.appealed,
    namedRuleKeys: row.rule_keys,
    matchedRuleKeys: row.matched ?? [],
    signalRuleKeys: row.signalled ?? [],
  }));
}

/** Per version of a ruleset, the number-application decisions made in [from, to), and per rule key the decisions it matched or flagged. */
export async function decisionCounts(
  db: EntityManager,
  rulesetKey: string,
  from: Date | null,
  to: Date | null,
  blocks: SequenceRange | null,
): Promise<{ versions: Map<number, number>; rules: Map<number, Map<string, number>> }> {
  const window = `ruleset_key = $1 AND kind = 'NUMBER_APPLICATION' AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)
    AND ($4::bigint IS NULL OR (seq > $4 AND seq <= $5))`;
  const params = [rulesetKey, from, to, blocks?.afterSeq ?? null, blocks?.lastSeq ?? null];
  const [versionRows, ruleRows]: [{ version_number: number; count: number }[], { version_number: number; rule_key: string; count: number }[]] =
    await Promise.all([
      db.query(`SELECT version_number, count(*)::int AS count FROM decision_log WHERE ${window} GROUP BY version_number`, params),
      db.query(
        `SELECT version_number, fired->>'ruleKey' AS rule_key, count(*)::int AS count
         FROM decision_log, jsonb_array_elements(output->'matches' || coalesce(output->'signals', '[]'::jsonb)) fired
         WHERE ${window} GROUP BY 1, 2`,
        params,
      ),
    ]);
  const rules = new Map<number, Map<string, number>>();
  for (const row of ruleRows) {
    const counts = rules.get(row.version_number) ?? new Map<string, number>();
    counts.set(row.rule_key, row.count);
    rules.set(row.version_number, counts);
  }
  return { versions: new Map(versionRows.map((row) => [row.version_number, row.count])), rules };
}
