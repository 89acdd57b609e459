import {
  getNamedType,
  GraphQLArgument,
  GraphQLField,
  GraphQLInputType,
  GraphQLSchema,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';

export type RootType = 'Query' | 'Mutation';

export interface RootField {
  root: RootType;
  name: string;
  field: GraphQLField<unknown, unknown>;
}

/** Every Query and Mutation field of the built schema. */
export function rootFields(schema: GraphQLSchema): RootField[] {
  const out: RootField[] = [];
  for (const root of ['Query', 'Mutation'] as const) {
    const type = root === 'Query' ? schema.getQueryType() : schema.getMutationType();
    for (const field of Object.values(type?.getFields() ?? {})) out.push({ root, name: field.name, field });
  }
  return out;
}

const DUMMY_ID = '00000000-0000-7000-8000-000000000000';

/** A valid but meaningless value of an input type: required fields only, one list item. */
export function dummyValue(type: GraphQLInputType, name = ''): unknown {
  if (isNonNullType(type)) return dummyValue(type.ofType, name);
  if (isListType(type)) return [dummyValue(type.ofType, name)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = dummyValue(field.type, field.name);
    }
    return value;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return DUMMY_ID;
      case 'Int':
        return 1;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return false;
      case 'DateTime':
        return '2026-01-01T00:00:00.000Z';
      case 'JSON':
        return {};
      default:
        return name === 'roles' ? 'evaluator' : 'x';
    }
  }
  throw new Error(`no dummy value for ${String(type)}`);
}

export interface BuiltOperation {
  query: string;
  variables: Record<string, unknown>;
}

/**
 * One operation calling `field` with every argument as a variable. Required arguments get
 * dummy values; `overrides` replaces (or adds) argument values. Object results select
 * `__typename`, so any field runs with the smallest selection.
 */
export function buildOperation(rootField: RootField, overrides: Record<string, unknown> = {}): BuiltOperation {
  const { root, name, field } = rootField;
  const used = field.args.filter((arg: GraphQLArgument) => arg.name in overrides || (isNonNullType(arg.type) && arg.defaultValue === undefined));
  const variables: Record<string, unknown> = {};
  for (const arg of used) variables[arg.name] = arg.name in overrides ? overrides[arg.name] : dummyValue(arg.type, arg.name);
  const definitions = used.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = used.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  const keyword = root === 'Query' ? 'query' : 'mutation';
  const query = `${keyword} Probe${definitions ? `(${definitions})` : ''} { ${name}${args ? `(${args})` : ''}${selection} }`;
  return { query, variables };
}
