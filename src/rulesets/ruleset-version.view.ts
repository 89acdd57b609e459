import { RulesetContent } from '../engine/content';

export type VersionStatus = 'DRAFT' | 'PUBLISHED' | 'RETIRED';

/** A version as the rest of the service sees it: stored row plus derived status and hash. */
export interface RulesetVersionView {
  id: string;
  rulesetId: string;
  rulesetKey: string;
  number: number | null;
  status: VersionStatus;
  revision: number;
  contentHash: string;
  parentNumber: number | null;
  /** A rollback draft: the version whose content it restores. */
  revertsTo: number | null;
  changelog: string | null;
  effectiveFrom: Date | null;
  editors: string[];
  createdBy: string;
  createdAt: Date;
  publishedBy: string | null;
  publishedAt: Date | null;
  /** The engine semantics it was published with; null while DRAFT. */
  engineSemantics: number | null;
  retiredAt: Date | null;
  content: RulesetContent;
}
