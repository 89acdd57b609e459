import { Role } from './roles';

/** Who is calling: the API key's id, its name (the holder's identity) and its roles. */
export interface Caller {
  keyId: string;
  name: string;
  roles: readonly Role[];
}

/** Tells the time; injected so that services never call `new Date()` themselves. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Passed first to every service method: who asks, under which request id, and the time the
 * request is handled at (read once from the clock, so one request sees one time).
 */
export interface RequestContext {
  requestId: string;
  caller: Caller | null;
  now: Date;
  /** Decision ids returned to this caller in this request (evaluators may read only those). */
  receivedDecisionIds: Set<string>;
  /** Aborted when the client goes away before its answer: long work (replay over history) stops then. */
  signal?: AbortSignal;
}

/** The caller's identity for the edit trail and the decision log. */
export function actorOf(context: RequestContext): string {
  return context.caller?.name ?? 'anonymous';
}

/** A context for work the service does on its own behalf (seed import, CLIs, start-up). */
export function systemContext(actor: string, clock: Clock = systemClock, requestId = 'system'): RequestContext {
  return { requestId, caller: { keyId: actor, name: actor, roles: ['admin'] }, now: clock.now(), receivedDecisionIds: new Set() };
}
