import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { GraphQLContext } from '../graphql/context';
import { AuditEvent } from './audit.types';

@Resolver()
export class AuditResolver {
  @Authorized('editor', 'publisher', 'auditor')
  @Query(() => [AuditEvent], { description: 'The edit trail, newest first: per ruleset, per draft, or both.' })
  auditEvents(
    @Arg('rulesetKey', () => ID, { nullable: true }) rulesetKey: string | null,
    @Arg('draftId', () => ID, { nullable: true }) draftId: string | null,
    @Arg('type', () => String, { nullable: true }) type: string | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() { services }: GraphQLContext,
  ): Promise<AuditEvent[]> {
    return services.audit.list({ rulesetKey, versionId: draftId, type, first });
  }
}
