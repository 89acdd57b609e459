import http, { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { uuidv7 } from 'uuidv7';
import { DomainError, ServiceUnavailableError } from '../common/errors';
import { Logger, RepeatedErrorLog } from '../common/logger';
import { Caller, Clock, RequestContext } from '../common/request-context';
import { GraphiQLPage } from '../graphiql/graphiql-page';

export interface HttpDependencies {
  apollo: ApolloServer<RequestContext>;
  /** Resolves a bearer secret to its caller (UNAUTHENTICATED when unknown or revoked). */
  authenticate(secret: string): Promise<Caller>;
  clock: Clock;
  logger: Logger;
  maxBodyBytes: number;
  graphiqlPage: () => GraphiQLPage;
  readiness: () => Promise<{ ready: boolean; checks: Record<string, string | undefined> }>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

class RequestBodyTooLarge extends Error {}

export interface PolicyHttpServer {
  server: http.Server;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes connections. */
  drain(graceMs: number): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

function graphQLErrorBody(message: string, code: string, extra: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, ...extra } }] };
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new RequestBodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new RequestBodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** One small router on node:http in front of Apollo: no framework on the hot path. */
export function createHttpServer(deps: HttpDependencies): PolicyHttpServer {
  // An outage fails every request alike: each kind of error once per interval, with a count.
  const errors = new RepeatedErrorLog(deps.logger);
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | null = null;

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) => {
    let body: unknown = undefined;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, deps.maxBodyBytes);
      } catch (error) {
        if (error instanceof RequestBodyTooLarge) {
          sendJson(res, 413, graphQLErrorBody(`request body exceeds ${deps.maxBodyBytes} bytes`, 'BAD_USER_INPUT'), { connection: 'close' });
          return;
        }
        throw error;
      }
      const contentType = String(req.headers['content-type'] ?? '');
      if (contentType.includes('application/json')) {
        try {
          body = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          sendJson(res, 400, graphQLErrorBody('the request body is not valid JSON', 'BAD_USER_INPUT'));
          return;
        }
      } else {
        body = text;
      }
    }

    let caller: Caller | null = null;
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) {
        sendJson(res, 401, graphQLErrorBody('the Authorization header must be "Bearer <api key>"', 'UNAUTHENTICATED'));
        return;
      }
      try {
        caller = await deps.authenticate(match[1]);
      } catch (error) {
        if (error instanceof DomainError) {
          sendJson(res, error.code === 'UNAUTHENTICATED' ? 401 : 503, graphQLErrorBody(error.message, error.code, error.details));
          return;
        }
        errors.log('error', { err: error, requestId }, 'authentication failed unexpectedly');
        const unavailable = new ServiceUnavailableError();
        sendJson(res, 503, graphQLErrorBody(unavailable.message, unavailable.code, unavailable.details));
        return;
      }
    }

    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    // A client that hangs up before its answer cancels work still running for it (replay over history).
    const cancellation = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) cancellation.abort();
    });
    const context: RequestContext = { requestId, caller, now: deps.clock.now(), receivedDecisionIds: new Set(), signal: cancellation.signal };
    const result = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => context,
    });
    const outHeaders: Record<string, string> = { 'x-request-id': requestId };
    for (const [name, value] of result.headers) outHeaders[name] = value;
    if (result.body.kind === 'complete') {
      outHeaders['content-length'] = String(Buffer.byteLength(result.body.string));
      res.writeHead(result.status ?? 200, outHeaders);
      res.end(result.body.string);
      return;
    }
    res.writeHead(result.status ?? 200, outHeaders);
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const handleGraphiQL = (req: IncomingMessage, res: ServerResponse) => {
    const page = deps.graphiqlPage();
    if (req.headers['if-none-match'] === page.etag) {
      res.writeHead(304, { etag: page.etag });
      res.end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? page.gzipped : page.html;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'no-cache',
      etag: page.etag,
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      // Everything is inlined; the policy forbids fetching anything but this origin.
      'content-security-policy': "default-src 'self' 'unsafe-inline' 'unsafe-eval' blob: data:; connect-src 'self'",
    });
    res.end(body);
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const suppliedId = req.headers['x-request-id'];
    const requestId = typeof suppliedId === 'string' && REQUEST_ID.test(suppliedId) ? suppliedId : uuidv7();
    switch (url.pathname) {
      case '/graphql':
        if (req.method !== 'GET' && req.method !== 'POST') {
          sendJson(res, 405, graphQLErrorBody('use GET or POST', 'BAD_USER_INPUT'), { allow: 'GET, POST' });
          return;
        }
        return handleGraphQL(req, res, url, requestId);
      case '/graphiql':
        return handleGraphiQL(req, res);
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        const readiness = await deps.readiness();
        return sendJson(res, readiness.ready && !draining ? 200 : 503, { ...readiness, ready: readiness.ready && !draining, draining });
      }
      case '/metrics':
        if (deps.metrics) {
          const metrics = await deps.metrics();
          res.writeHead(200, { 'content-type': metrics.contentType });
          res.end(metrics.body);
          return;
        }
        break;
      case '/':
        res.writeHead(302, { location: '/graphiql' });
        res.end();
        return;
    }
    sendJson(res, 404, { error: `no route ${url.pathname}` });
  };

  const server = http.createServer((req, res) => {
    if (draining) {
      sendJson(res, 503, graphQLErrorBody('the server is shutting down', 'INTERNAL_SERVER_ERROR', { reason: 'SHUTTING_DOWN', retryable: true }), {
        connection: 'close',
      });
      return;
    }
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0 && idle) idle();
    });
    route(req, res).catch((error) => {
      errors.log('error', { err: error, url: req.url }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, graphQLErrorBody('internal server error', 'INTERNAL_SERVER_ERROR'));
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    async drain(graceMs: number) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([new Promise<void>((resolve) => (idle = resolve)), new Promise((resolve) => (grace = setTimeout(resolve, graceMs)))]);
        // Drained early: the grace timer would otherwise keep the process alive for the rest of it.
        clearTimeout(grace);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
