import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "An enterprise's recorded standing." })
export class Enterprise {
  @Field(() => ID)
  id: string;

  @Field({ description: 'ACTIVE or OFFLINE (下线整改)' })
  status: string;

  @Field(() => Int, { description: 'Recorded SERIOUS (严重违规) violations.' })
  seriousViolationCount: number;

  @Field(() => Int, { description: 'All recorded violations.' })
  violationCount: number;

  @Field(() => Date, { nullable: true, description: 'When it was last returned from OFFLINE to ACTIVE (reinstateEnterprise); null if never.' })
  reinstatedAt: Date | null;

  @Field(() => Date)
  updatedAt: Date;
}
