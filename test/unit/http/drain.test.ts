import { ApolloServer } from '@apollo/server';
import pino from 'pino';
import { RequestContext, systemClock } from '../../../src/common/request-context';
import { createHttpServer, HttpDependencies } from '../../../src/http/http-server';

const activeTimeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('http drain', () => {
  it('waits for an in-flight request, then leaves no grace timer behind', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const deps: HttpDependencies = {
      apollo: {} as ApolloServer<RequestContext>,
      authenticate: () => {
        throw new Error('not used');
      },
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      maxBodyBytes: 1024,
      graphiqlPage: () => {
        throw new Error('not used');
      },
      readiness: async () => {
        await held;
        return { ready: true, checks: {} };
      },
    };
    const http = createHttpServer(deps);
    await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', resolve));
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const response = fetch(`http://127.0.0.1:${port}/readyz`, { headers: { connection: 'close' } });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const before = activeTimeouts();
    const drained = http.drain(60_000);
    release();
    await drained;
    expect((await response).status).toBe(503); // answered while draining
    expect(activeTimeouts()).toBeLessThanOrEqual(before);
  });
});
