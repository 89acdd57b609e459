import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { BadInputError, ConflictError } from '../common/errors';
import { Issues } from '../common/issues';
import { AUTHORING_TEXT_LIMITS } from '../common/limits';
import { RequestContext } from '../common/request-context';
import { inTransaction } from '../db/transaction';
import { EnterpriseStore, EnterpriseView } from './enterprise.store';

/**
 * Changes to an enterprise's standing that people make (violations change it through
 * EvaluationService.recordViolation). Each change appends its audit event in its transaction.
 */
export class EnterpriseService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EnterpriseStore,
    private readonly audit: AuditService,
  ) {}

  /**
   * Returns an OFFLINE enterprise to ACTIVE once its rectification (下线整改) is done. Its
   * counts and recorded violations stay; whether those still count toward escalation is
   * the ruleset's setting (violationsCountAfterReinstatement), read when it is next judged.
   */
  async reinstate(context: RequestContext, enterpriseId: string, reason: string): Promise<EnterpriseView> {
    const issues = new Issues();
    issues.id('enterpriseId', enterpriseId, true);
    issues.text('reason', reason, AUTHORING_TEXT_LIMITS.reinstatementReason, true);
    issues.throwIfAny();
    return inTransaction(this.dataSource, `reinstating enterprise "${enterpriseId}"`, async (tx) => {
      // Locked like recordViolation locks it: a violation recorded meanwhile is judged before or after, never during.
      const standing = await this.store.lockExisting(tx, enterpriseId);
      if (!standing) throw new BadInputError(`enterprise "${enterpriseId}" has no recorded standing: only an OFFLINE enterprise can be reinstated`);
      if (standing.status !== 'OFFLINE')
        throw new ConflictError(`enterprise "${enterpriseId}" is ${standing.status}: only an OFFLINE enterprise can be reinstated`);
      const reinstated = await this.store.reinstate(tx, enterpriseId, context.now);
      await this.audit.append(tx, context, {
        type: 'ENTERPRISE_REINSTATED',
        enterpriseId,
        before: { status: 'OFFLINE', reinstatedAt: standing.reinstatedAt ?? null },
        after: { status: 'ACTIVE', reinstatedAt: context.now.toISOString(), reason: reason.trim() },
      });
      return reinstated;
    });
  }
}
