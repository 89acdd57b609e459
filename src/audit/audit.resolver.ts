import { Arg, Authorized, ID, Int, Query, Resolver } from 'type-graphql';
import { AuditService } from './audit.service';
import { AuditEvent } from './audit.types';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Authorized('editor', 'publisher', 'auditor')
  @Query(() => [AuditEvent], { description: 'The edit trail, newest first: per ruleset, per draft, per enterprise, or combined.' })
  auditEvents(
    @Arg('rulesetKey', () => ID, { nullable: true }) rulesetKey: string | null,
    @Arg('draftId', () => ID, { nullable: true }) draftId: string | null,
    @Arg('type', () => String, { nullable: true }) type: string | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('enterpriseId', () => ID, { nullable: true, description: 'Events of this enterprise (its reinstatements).' }) enterpriseId: string | null,
  ): Promise<AuditEvent[]> {
    return this.audit.list({ rulesetKey, versionId: draftId, type, first, enterpriseId });
  }
}
