import { ApolloServerPlugin } from '@apollo/server';
import { MAX_OPERATION_LABELS } from '../common/limits';
import { Logger } from '../common/logger';
import { PolicyMetrics } from '../metrics/metrics';
import { RequestContext } from '../common/request-context';
import { tagWithRequestId } from './format-error';

const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
/** The one metric label of every request made without a valid key, whatever it names its operation. */
export const UNAUTHENTICATED_LABEL = 'unauthenticated';

/**
 * The metric label of an operation. Clients choose operation names, so every new one would
 * be a new time series held in memory for the life of the process: the label set is capped.
 */
export function operationLabeller(limit = MAX_OPERATION_LABELS): (name: string | null | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (seen.has(name)) return name;
    if (!OPERATION_NAME.test(name) || seen.size >= limit) return 'other';
    seen.add(name);
    return name;
  };
}

/**
 * Counts and times every GraphQL request and writes one log line for it: request id,
 * caller, operation, outcome and the decision ids returned. Never inputs or secrets.
 */
export function requestObserver(metrics: PolicyMetrics, logger: Logger): ApolloServerPlugin<RequestContext> {
  const labelOf = operationLabeller();
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors, contextValue }) {
          tagWithRequestId(errors, contextValue.requestId);
        },
        async willSendResponse({ operationName, errors, contextValue: context, response }) {
          const operation = operationName ?? 'anonymous';
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          // The formatted errors carry the contract code; raw domain errors carry none yet.
          const formatted = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const code = formatted?.[0]?.extensions?.code ?? errors?.[0]?.extensions?.code;
          const outcome = errors?.length ? String(code ?? 'INTERNAL_SERVER_ERROR') : 'ok';
          // Only callers with a key may spend the capped label set: anonymous clients could fill it with fresh names.
          const label = context.caller ? labelOf(operationName) : UNAUTHENTICATED_LABEL;
          metrics.requests.inc({ operation: label, outcome });
          metrics.requestDuration.observe({ operation: label }, seconds);
          if (response.body.kind === 'single' && errors?.length) {
            for (const error of response.body.singleResult.errors ?? []) {
              if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') {
                (error.extensions as Record<string, unknown>).requestId = context.requestId;
              }
            }
          }
          if (logger.isLevelEnabled('info')) {
            logger.info(
              {
                requestId: context.requestId,
                caller: context.caller?.name ?? null,
                operation,
                outcome,
                ms: Math.round(seconds * 1000 * 100) / 100,
                decisionIds: context.receivedDecisionIds.size > 0 ? [...context.receivedDecisionIds] : undefined,
              },
              'graphql request',
            );
          }
        },
      };
    },
  };
}
