import { Field, ID, ObjectType } from 'type-graphql';

/** What names a key and what it may do: shared by the key listing and the key just created. */
@ObjectType()
abstract class ApiKeyIdentity {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => [String])
  roles: string[];
}

@ObjectType({ description: 'A new API key. The secret in `key` is shown only here, once.' })
export class ApiKeyCreated extends ApiKeyIdentity {
  @Field()
  key: string;
}

@ObjectType({ description: 'An API key without its secret.' })
export class ApiKey extends ApiKeyIdentity {
  @Field()
  createdBy: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}
