import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A new API key. The secret in `key` is shown only here, once.' })
export class ApiKeyCreated {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => [String])
  roles: string[];

  @Field()
  key: string;
}

@ObjectType({ description: 'An API key without its secret.' })
export class ApiKey {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => [String])
  roles: string[];

  @Field()
  createdBy: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}
