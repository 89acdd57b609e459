import { ApolloServerPlugin } from '@apollo/server';
import { Logger } from '../common/logger';
import { PolicyMetrics } from '../metrics/metrics';
import { GraphQLContext } from './context';
import { tagWithRequestId } from './format-error';

/**
 * Counts and times every GraphQL request and writes one log line for it: request id,
 * caller, operation, outcome and the decision ids returned. Never inputs or secrets.
 */
export function requestObserver(metrics: PolicyMetrics, logger: Logger): ApolloServerPlugin<GraphQLContext> {
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
          const code = errors?.[0]?.extensions?.code;
          const outcome = errors?.length ? String(code ?? 'INTERNAL_SERVER_ERROR') : 'ok';
          metrics.requests.inc({ operation, outcome });
          metrics.requestDuration.observe({ operation }, seconds);
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
