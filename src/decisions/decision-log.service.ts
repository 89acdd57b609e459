import { DataSource } from 'typeorm';
import { BadInputError } from '../common/errors';
import { MAX_DECISION_PAGE, MAX_LOG_SEQUENCE } from '../common/limits';
import { RequestContext } from '../common/request-context';
import { CheckpointSigner, SignedCheckpoint } from './checkpoint-signing';
import { ChainedDecision, ChainVerifier, DECISION_KINDS, DecisionKind } from './decision-record';
import * as store from './decision-log.store';
import { ChainCheck, LinkedChain } from './linked-records';
import { DecisionFilterArgs } from './decision-log.store';
import { decodeCursor, encodeCursor } from './cursor';
import { FullOutputs } from './full-outputs';

export interface DecisionPage {
  edges: { cursor: string; node: ChainedDecision }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** null when not counted */
  totalCount: number | null;
}

export interface LogVerificationResult {
  checked: number;
  valid: boolean;
  firstBrokenId: string | null;
  /** Why the first broken record is broken (record-hash, sequence, prev-hash, chain-hash, missing-tail, checkpoint-missing, checkpoint-mismatch). */
  reason: string | null;
  /** The newest record verified: kept outside the database, it lets a later verification prove that history was not rewritten. */
  checkpoint: LogCheckpoint | null;
  /** The same checkpoint signed with the service's key (CHECKPOINT_SIGNING_KEY). */
  signedCheckpoint: SignedCheckpoint | null;
  /** The chains that reference the log (the review log), each verified whole. */
  linkedChains: (ChainCheck & { name: string })[];
}

/** A position in the chain and its hash, which commits to every record up to it. */
export interface LogCheckpoint {
  sequence: string;
  hash: string;
}

const VERIFY_CHUNK = 2000;

/**
 * Reads the decision log: single records, filtered pages in log order (keyset over seq,
 * so concurrent appends never shift a page), and chain verification.
 */
export class DecisionLogService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: CheckpointSigner,
    private readonly outputs: FullOutputs,
    private readonly linkedChains: readonly LinkedChain[] = [],
  ) {}

  /** The chain head, signed now: what CHECKPOINT_EVERY publishes. */
  async signedHead(at: Date): Promise<SignedCheckpoint | null> {
    const head = await store.chainHead(this.dataSource.manager);
    return head.hash === null ? null : this.signer.sign({ sequence: String(head.seq), hash: head.hash }, at);
  }

  /** A logged decision with its full output (rebuilt for a lean record). */
  async findDecision(id: string): Promise<ChainedDecision | null> {
    return this.outputs.one(await store.findDecision(this.dataSource.manager, id));
  }

  /** Records read from the log, with full outputs (rebuilt for lean records): what the API shows. */
  withFullOutputs(records: ChainedDecision[]): Promise<ChainedDecision[]> {
    return this.outputs.of(records);
  }

  /** The recorded-violation decisions of an enterprise (those that changed its record), in log order. */
  async enterpriseViolations(enterpriseId: string): Promise<ChainedDecision[]> {
    return this.outputs.of(await store.enterpriseViolations(this.dataSource.manager, enterpriseId));
  }

  /** A page of the log; the filtered total is counted only when asked for (a count over millions of rows is not free). */
  async listDecisions(filter: DecisionFilterArgs, first: number, after: string | null, countTotal = true): Promise<DecisionPage> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_DECISION_PAGE) {
      throw new BadInputError(`first must be between 0 and ${MAX_DECISION_PAGE}`);
    }
    if (filter.kind != null && !DECISION_KINDS.includes(filter.kind as DecisionKind)) {
      // An unknown kind would match nothing, which reads as "no such decisions" rather than a typo.
      throw new BadInputError(`unknown decision kind "${filter.kind}"; expected one of ${DECISION_KINDS.join(', ')}`);
    }
    const afterSeq = after ? decodeCursor(after) : 0;
    const db = this.dataSource.manager;
    const [rows, count] = await Promise.all([store.filteredPage(db, filter, afterSeq, first + 1), countTotal ? store.countFiltered(db, filter) : null]);
    const page = await this.outputs.of(rows.slice(0, first));
    const edges = page.map((node) => ({ cursor: encodeCursor(node.seq), node }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : (after ?? null) },
      totalCount: count,
    };
  }

  /**
   * Recomputes record hashes and chain links in [from, to). With a checkpoint taken earlier
   * (and kept outside the database), also proves the record there still carries that hash: a
   * chain rewritten wholesale, head included, verifies on its own but fails the checkpoint.
   */
  async verify(context: RequestContext, from: Date | null, to: Date | null, checkpoint: LogCheckpoint | null = null): Promise<LogVerificationResult> {
    // Before any work: a sequence PostgreSQL cannot hold would fail only after the whole chain was read.
    if (checkpoint !== null && BigInt(checkpoint.sequence) > MAX_LOG_SEQUENCE) {
      throw new BadInputError(`checkpoint.sequence must be at most ${MAX_LOG_SEQUENCE} (a position in the log)`);
    }
    const [result, linkedChains] = await Promise.all([
      this.verifyChain(from, to),
      Promise.all(this.linkedChains.map(async (chain) => ({ name: chain.name, ...(await chain.verify()) }))),
    ]);
    const signed = (verified: Omit<LogVerificationResult, 'signedCheckpoint' | 'linkedChains'>): LogVerificationResult => {
      // A broken linked chain makes the whole verification invalid; the log's own break, if any, is named first.
      const broken = verified.valid ? linkedChains.find((chain) => !chain.valid) : undefined;
      const overall = broken
        ? { ...verified, valid: false, firstBrokenId: broken.firstBrokenId, reason: `${broken.name}: ${broken.reason}`, checkpoint: null }
        : verified;
      return { ...overall, signedCheckpoint: overall.checkpoint ? this.signer.sign(overall.checkpoint, context.now) : null, linkedChains };
    };
    if (!result.valid || checkpoint === null) return signed(result);
    const kept = await store.recordAt(this.dataSource.manager, checkpoint.sequence);
    if (!kept) return signed({ ...result, valid: false, firstBrokenId: null, reason: 'checkpoint-missing', checkpoint: null });
    if (kept.hash !== checkpoint.hash.trim().toLowerCase())
      return signed({ ...result, valid: false, firstBrokenId: kept.id, reason: 'checkpoint-mismatch', checkpoint: null });
    return signed(result);
  }

  /**
   * Recomputes every record hash and chain link in seq order, streamed in chunks. The
   * window [from, to) selects the first and last record by time; everything between them
   * is checked by position, so a record deleted or moved inside the window breaks the
   * chain at the record that follows it. The first record of a window is checked against
   * its predecessor; the last against the record after it (so deleting the window's last
   * records is caught too), or, when there is none, against the chain head.
   */
  private async verifyChain(from: Date | null, to: Date | null): Promise<Omit<LogVerificationResult, 'signedCheckpoint' | 'linkedChains'>> {
    const db = this.dataSource.manager;
    const [window, head] = await Promise.all([store.sequenceWindow(db, from, to), store.chainHead(db)]);
    if (window === null) {
      // Nothing in the window. With no window at all, an empty log must also have an empty head.
      const valid = from !== null || to !== null || head.seq === 0;
      return { checked: 0, valid, firstBrokenId: null, reason: valid ? null : 'missing-tail', checkpoint: null };
    }
    let anchor: { seq: number; hash: string | null } = { seq: 0, hash: null };
    if (from !== null && window.first > 1) anchor = (await store.recordBefore(db, window.first)) ?? { seq: window.first - 1, hash: null };

    const verifier = new ChainVerifier(anchor);
    for await (const records of store.walkLog(db, { afterSeq: anchor.seq, lastSeq: window.last }, VERIFY_CHUNK)) {
      if (!records.every((record) => verifier.push(record))) {
        return { checked: verifier.checked, valid: false, firstBrokenId: verifier.firstBroken!.id, reason: verifier.firstBroken!.reason, checkpoint: null };
      }
    }
    const after = to === null ? null : await store.recordAfter(db, window.last, verifier.last.hash);
    if (after !== null && (after.seq !== verifier.last.seq + 1 || !after.continues)) {
      return {
        checked: verifier.checked,
        valid: false,
        firstBrokenId: after.id,
        reason: after.seq !== verifier.last.seq + 1 ? 'sequence' : 'prev-hash',
        checkpoint: null,
      };
    }
    if (after === null && (verifier.last.seq !== head.seq || verifier.last.hash !== head.hash)) {
      // The newest records are gone (or the head was moved): nothing left to name but the tail.
      return { checked: verifier.checked, valid: false, firstBrokenId: null, reason: 'missing-tail', checkpoint: null };
    }
    const newest = verifier.last;
    const checkpoint = newest.hash === null ? null : { sequence: String(newest.seq), hash: newest.hash };
    return { checked: verifier.checked, valid: true, firstBrokenId: null, reason: null, checkpoint };
  }
}
