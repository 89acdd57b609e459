import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { RequestContext } from '../common/request-context';
import { BadInputError } from '../common/errors';
import { EnterpriseStanding, evaluateViolation, normalizeText, PriorViolation, UnknownBehaviorError, ViolationInput, ViolationOutcome, ViolationState } from '../engine';
import { DecisionLogWriter } from '../decisions/decision-log.writer';
import { ChainedDecision } from '../decisions/decision-record';
import { newDecision } from '../decisions/new-decision';
import type { ResolvedVersion } from '../evaluations/version-resolver';

interface StandingRow {
  id: string;
  status: 'ACTIVE' | 'OFFLINE';
  serious_violation_count: number;
  violation_count: number;
}

const toStanding = (row: StandingRow): EnterpriseStanding => ({
  id: row.id,
  status: row.status,
  seriousViolationCount: row.serious_violation_count,
  violationCount: row.violation_count,
});

/** Penalty action codes that take the enterprise offline, besides any CRITICAL result. */
const OFFLINE_ACTIONS = new Set(['OFFLINE_ALL_BUSINESS']);
const SERIOUS = 'SERIOUS';
const CRITICAL = 'CRITICAL';

const STANDINGS_SQL = 'SELECT id, status, serious_violation_count, violation_count FROM enterprise WHERE id = ANY($1::text[])';

export interface EnterpriseView extends EnterpriseStanding {
  updatedAt: Date;
}

/**
 * Runs the engine on a violation, turning an unknown behaviour into a client error. A verified
 * report of a behaviour whose rows are told apart by the actual business (BUSINESS_MISMATCH:
 * prohibited or not) must name that business: without it the row would be guessed.
 */
export function judgeViolation(version: ResolvedVersion, input: ViolationInput, state: ViolationState): ViolationOutcome {
  if (input.verified && version.compiled.behaviorsJudgedOnActualBusiness.has(input.behavior) && normalizeText(input.actualBusiness ?? '') === '') {
    throw new BadInputError(
      `a verified ${input.behavior} report must give input.actualBusiness: the verdict on the actual business decides which rule applies`,
      { issues: [{ path: 'input.actualBusiness', message: 'is required for a verified report of this behaviour' }] },
    );
  }
  try {
    return evaluateViolation(version.compiled, input, state);
  } catch (error) {
    if (error instanceof UnknownBehaviorError) {
      throw new BadInputError(error.message, { knownBehaviors: error.knownBehaviors });
    }
    throw error;
  }
}

/**
 * Enterprise standing (ACTIVE/OFFLINE, violation counts) and the violations recorded
 * against it. Standing changes only through recordViolation, in the same transaction as
 * the decision record that explains it.
 */
export class EnterpriseService {
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

  constructor(
    private readonly dataSource: DataSource,
    private readonly pool: Pool,
    private readonly log: DecisionLogWriter,
  ) {}

  async findEnterprise(id: string): Promise<EnterpriseView | null> {
    const rows: (StandingRow & { updated_at: Date })[] = await this.dataSource.query(
      'SELECT id, status, serious_violation_count, violation_count, updated_at FROM enterprise WHERE id = $1',
      [id],
    );
    return rows[0] ? { ...toStanding(rows[0]), updatedAt: rows[0].updated_at } : null;
  }

  /** Recorded standings of these enterprises, one query; unknown ones are absent. */
  async standings(ids: string[], manager?: EntityManager): Promise<Map<string, EnterpriseStanding>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    if (manager) return this.queryStandings(manager, unique);
    const loaded = await this.standingLoader.loadMany(unique);
    const standings = new Map<string, EnterpriseStanding>();
    loaded.forEach((standing) => {
      if (standing instanceof Error) throw standing;
      if (standing) standings.set(standing.id, standing);
    });
    return standings;
  }

  private async queryStandings(manager: EntityManager, unique: string[]): Promise<Map<string, EnterpriseStanding>> {
    const rows: StandingRow[] = await manager.query(STANDINGS_SQL, [unique]);
    return new Map(rows.map((row) => [row.id, toStanding(row)]));
  }

  /** The enterprise's recorded violations, oldest first, as the engine's state wants them. */
  async history(id: string, manager: EntityManager = this.dataSource.manager): Promise<PriorViolation[]> {
    const rows: { severity: string; occurred_at: Date }[] = await manager.query(
      'SELECT severity, occurred_at FROM enterprise_violation WHERE enterprise_id = $1 ORDER BY occurred_at, decision_id',
      [id],
    );
    return rows.map((row) => ({ severity: row.severity, at: row.occurred_at.toISOString() }));
  }

  /**
   * Evaluates and records a violation in ONE transaction: lock (creating if new) the
   * enterprise row, read its history, evaluate, record the violation, change the standing
   * (CRITICAL or an offline action: OFFLINE; SERIOUS: counted; unverified: nothing), and
   * append the decision record, with the state it read, to the log.
   */
  async recordViolation(
    context: RequestContext,
    version: ResolvedVersion,
    input: ViolationInput,
  ): Promise<{ outcome: ViolationOutcome; record: ChainedDecision }> {
    const evaluatedAt = new Date();
    await this.log.preparePartitions([evaluatedAt.toISOString()]);
    return this.dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO enterprise (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [input.enterpriseId]);
      const [row]: StandingRow[] = await manager.query(
        'SELECT id, status, serious_violation_count, violation_count FROM enterprise WHERE id = $1 FOR UPDATE',
        [input.enterpriseId],
      );
      const enterprise = toStanding(row);
      const state: ViolationState = { at: evaluatedAt.toISOString(), enterprise, priorViolations: await this.history(input.enterpriseId, manager) };
      const outcome = judgeViolation(version, input, state);

      const content = newDecision(
        context,
        { rulesetKey: version.rulesetKey, number: version.number!, contentHash: version.contentHash },
        'RECORDED_VIOLATION',
        { enterpriseId: input.enterpriseId, decision: null, severity: outcome.severity, input, output: outcome, state },
        evaluatedAt,
      );

      if (input.verified && outcome.severity !== null) {
        await manager.query(
          `INSERT INTO enterprise_violation (decision_id, enterprise_id, ruleset_key, behavior, severity, escalated, occurred_at, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [content.id, input.enterpriseId, version.rulesetKey, input.behavior, outcome.severity, outcome.escalated, input.occurredAt ?? state.at, evaluatedAt],
        );
        const offline = outcome.severity === CRITICAL || outcome.actions.some((action) => OFFLINE_ACTIONS.has(action.code));
        await manager.query(
          `UPDATE enterprise SET violation_count = violation_count + 1,
             serious_violation_count = serious_violation_count + $2,
             status = CASE WHEN $3 THEN 'OFFLINE' ELSE status END,
             updated_at = $4
           WHERE id = $1`,
          [input.enterpriseId, outcome.severity === SERIOUS ? 1 : 0, offline, evaluatedAt],
        );
      }
      const [record] = await this.log.appendInTransaction(manager, [content]);
      return { outcome, record };
    });
  }
}
