import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { EntityManager } from 'typeorm';
import type { EnterpriseStanding, PriorViolation } from '../engine';

interface StandingRow {
  id: string;
  status: 'ACTIVE' | 'OFFLINE';
  serious_violation_count: number;
  violation_count: number;
  reinstated_at: Date | null;
}

/**
 * `reinstatedAt` only when there was a reinstatement: the standing is logged with every
 * decision that reads it, and a never-reinstated enterprise's logged state stays exactly
 * what it was before reinstatement existed.
 */
const toStanding = (row: StandingRow): EnterpriseStanding => ({
  id: row.id,
  status: row.status,
  seriousViolationCount: row.serious_violation_count,
  violationCount: row.violation_count,
  ...(row.reinstated_at ? { reinstatedAt: row.reinstated_at.toISOString() } : {}),
});

const STANDING_COLUMNS = 'id, status, serious_violation_count, violation_count, reinstated_at';
const STANDINGS_SQL = `SELECT ${STANDING_COLUMNS} FROM enterprise WHERE id = ANY($1::text[])`;

const HISTORY_SQL = 'SELECT severity, occurred_at FROM enterprise_violation WHERE enterprise_id = $1 ORDER BY occurred_at, decision_id';

interface HistoryRow {
  severity: string;
  occurred_at: Date;
}

const toPriorViolation = (row: HistoryRow): PriorViolation => ({ severity: row.severity, at: row.occurred_at.toISOString() });

export interface EnterpriseView extends EnterpriseStanding {
  updatedAt: Date;
}

const toView = (row: StandingRow & { updated_at: Date }): EnterpriseView => ({ ...toStanding(row), updatedAt: row.updated_at });

/** A verified violation as recorded against an enterprise, and how it changes the standing. */
export interface RecordedPenalty {
  decisionId: string;
  enterpriseId: string;
  rulesetKey: string;
  behavior: string;
  severity: string;
  escalated: boolean;
  occurredAt: string;
  recordedAt: Date;
  /** Counts towards seriousViolationCount. */
  serious: boolean;
  /** Takes the enterprise OFFLINE (下线整改). */
  offline: boolean;
}

/**
 * The standing store: enterprise standing (ACTIVE/OFFLINE, violation counts) and the
 * violations recorded against it. It decides nothing; EvaluationService.recordViolation
 * changes a standing in the same transaction as the decision record that explains it.
 */
export class EnterpriseStore {
  /**
   * Standing reads of concurrent evaluations, gathered into one query per tick: always
   * fresh (nothing is cached), one round trip for many requests.
   */
  private readonly standingLoader = new DataLoader<string, EnterpriseStanding | null>(
    async (ids) => {
      // Straight to the pool: the evaluation path skips TypeORM's query runner.
      const { rows } = await this.pool.query<StandingRow>(STANDINGS_SQL, [ids]);
      const found = new Map(rows.map((row) => [row.id, toStanding(row)]));
      return ids.map((id) => found.get(id) ?? null);
    },
    { cache: false, maxBatchSize: 1000, batchScheduleFn: (run) => setImmediate(run) },
  );

  constructor(private readonly pool: Pool) {}

  async findEnterprise(id: string): Promise<EnterpriseView | null> {
    const { rows } = await this.pool.query<StandingRow & { updated_at: Date }>(`SELECT ${STANDING_COLUMNS}, updated_at FROM enterprise WHERE id = $1`, [id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Recorded standings of these enterprises, one query shared with concurrent requests; unknown ones are absent. */
  async standings(ids: string[]): Promise<Map<string, EnterpriseStanding>> {
    const unique = [...new Set(ids)];
    const standings = new Map<string, EnterpriseStanding>();
    if (unique.length === 0) return standings;
    const loaded = await this.standingLoader.loadMany(unique);
    loaded.forEach((standing) => {
      if (standing instanceof Error) throw standing;
      if (standing) standings.set(standing.id, standing);
    });
    return standings;
  }

  /** The enterprise's recorded violations, oldest first, as the engine's state wants them. */
  async history(id: string): Promise<PriorViolation[]> {
    const { rows } = await this.pool.query<HistoryRow>(HISTORY_SQL, [id]);
    return rows.map(toPriorViolation);
  }

  /** The same, read inside the caller's transaction (after lockStanding). */
  async historyIn(tx: EntityManager, id: string): Promise<PriorViolation[]> {
    const rows: HistoryRow[] = await tx.query(HISTORY_SQL, [id]);
    return rows.map(toPriorViolation);
  }

  /** Creates the enterprise if new and locks its row until the transaction ends: its standing, as it stands. */
  async lockStanding(tx: EntityManager, id: string): Promise<EnterpriseStanding> {
    await tx.query('INSERT INTO enterprise (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [id]);
    const [row]: StandingRow[] = await tx.query(`SELECT ${STANDING_COLUMNS} FROM enterprise WHERE id = $1 FOR UPDATE`, [id]);
    return toStanding(row);
  }

  /** Locks the row of an enterprise that has a standing until the transaction ends; null when it has none. */
  async lockExisting(tx: EntityManager, id: string): Promise<EnterpriseStanding | null> {
    const [row]: StandingRow[] = await tx.query(`SELECT ${STANDING_COLUMNS} FROM enterprise WHERE id = $1 FOR UPDATE`, [id]);
    return row ? toStanding(row) : null;
  }

  /** Returns a (locked) enterprise to ACTIVE as of `at`; its counts and recorded violations stay. */
  async reinstate(tx: EntityManager, id: string, at: Date): Promise<EnterpriseView> {
    // TypeORM's postgres driver answers an UPDATE with `[rows, rowCount]`.
    const [rows]: [(StandingRow & { updated_at: Date })[], number] = await tx.query(
      `UPDATE enterprise SET status = 'ACTIVE', reinstated_at = $2, updated_at = $2 WHERE id = $1 RETURNING ${STANDING_COLUMNS}, updated_at`,
      [id, at],
    );
    return toView(rows[0]);
  }

  /** Records a verified violation and changes the standing it affects, in the caller's transaction. */
  async recordPenalty(tx: EntityManager, penalty: RecordedPenalty): Promise<void> {
    await tx.query(
      `INSERT INTO enterprise_violation (decision_id, enterprise_id, ruleset_key, behavior, severity, escalated, occurred_at, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        penalty.decisionId,
        penalty.enterpriseId,
        penalty.rulesetKey,
        penalty.behavior,
        penalty.severity,
        penalty.escalated,
        penalty.occurredAt,
        penalty.recordedAt,
      ],
    );
    await tx.query(
      `UPDATE enterprise SET violation_count = violation_count + 1,
         serious_violation_count = serious_violation_count + $2,
         status = CASE WHEN $3 THEN 'OFFLINE' ELSE status END,
         updated_at = $4
       WHERE id = $1`,
      [penalty.enterpriseId, penalty.serious ? 1 : 0, penalty.offline, penalty.recordedAt],
    );
  }
}
