import { DataSource } from 'typeorm';
import { ChainCheck, LinkedChain } from '../decisions/linked-records';
import { checkReviewLink } from './review-record';
import { walkReviews } from './review-log.store';

const VERIFY_CHUNK = 2000;

/** The review log as a chain verifyDecisionLog checks: every record hash and link, from the first record. */
export class ReviewChain implements LinkedChain {
  readonly name = 'review-log';

  constructor(private readonly dataSource: DataSource) {}

  async verify(): Promise<ChainCheck> {
    let expected: { seq: number; hash: string | null } = { seq: 0, hash: null };
    let checked = 0;
    for await (const records of walkReviews(this.dataSource.manager, VERIFY_CHUNK)) {
      for (const record of records) {
        checked += 1;
        const broken = checkReviewLink(record, expected);
        if (broken) return { checked, valid: false, firstBrokenId: record.id, reason: broken };
        expected = { seq: record.seq, hash: record.hash };
      }
    }
    return { checked, valid: true, firstBrokenId: null, reason: null };
  }
}
