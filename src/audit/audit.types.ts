import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'One authoring change (or an enterprise reinstatement): who, when, which draft and revision (or enterprise), the changed part before and after.',
})
export class AuditEvent {
  @Field(() => ID)
  id: string;

  @Field({
    description:
      'RULESET_CREATED, DRAFT_CREATED, DEFAULT_DECISION_SET, BUSINESS_RULE_UPSERTED, VIOLATION_RULE_UPSERTED, PENALTY_MAPPING_UPSERTED, RULE_REMOVED, DRAFT_PUBLISHED, DRAFT_DISCARDED, VERSION_RETIRED, TEST_CASE_UPSERTED, TEST_CASE_REMOVED, DRAFT_REBASED, REINSTATEMENT_POLICY_SET, CONTEXT_CUES_SET, VARIANTS_SET, DISTINCT_WORDS_SET, ENTERPRISE_REINSTATED',
  })
  type: string;

  @Field(() => ID, { nullable: true, description: 'The ruleset changed; null for an enterprise event.' })
  rulesetKey: string | null;

  @Field(() => ID, { nullable: true, description: 'The enterprise changed (ENTERPRISE_REINSTATED); null for ruleset events.' })
  enterpriseId: string | null;

  @Field(() => ID, { nullable: true, description: 'The draft changed (a draft keeps its id when published).' })
  versionId: string | null;

  @Field(() => Int, { nullable: true, description: "The draft's revision after the change." })
  revision: number | null;

  @Field({ description: 'Name of the API key that made the change.' })
  actor: string;

  @Field(() => Date)
  at: Date;

  @Field(() => GraphQLJSON, { nullable: true })
  before: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  after: unknown;
}
