import { PolicySchema1764300000000 } from './1764300000000-PolicySchema';
import { DecisionLog1764300001000 } from './1764300001000-DecisionLog';
import { RulesetDefaults1764300002000 } from './1764300002000-RulesetDefaults';
import { DecisionLogAppendFunction1764300003000 } from './1764300003000-DecisionLogAppendFunction';
import { DecisionLogAppendBatch1764300004000 } from './1764300004000-DecisionLogAppendBatch';
import { RulesetVersionEngineSemantics1764300005000 } from './1764300005000-RulesetVersionEngineSemantics';
import { VersionRevert1764300006000 } from './1764300006000-VersionRevert';
import { EnterpriseReinstatement1764300010000 } from './1764300010000-EnterpriseReinstatement';
import { LeastPrivilege1764300011000 } from './1764300011000-LeastPrivilege';
import { PublishRequiresAuditEvent1764300012000 } from './1764300012000-PublishRequiresAuditEvent';
import { ReviewLoop1764300016000 } from './1764300016000-ReviewLoop';
import { LeanDecisionRecord1764300017000 } from './1764300017000-LeanDecisionRecord';

/** Every migration, oldest first. Listed explicitly so the same list runs compiled and under ts-jest. */
export const migrations = [
  PolicySchema1764300000000,
  DecisionLog1764300001000,
  RulesetDefaults1764300002000,
  DecisionLogAppendFunction1764300003000,
  DecisionLogAppendBatch1764300004000,
  RulesetVersionEngineSemantics1764300005000,
  VersionRevert1764300006000,
  EnterpriseReinstatement1764300010000,
  LeastPrivilege1764300011000,
  PublishRequiresAuditEvent1764300012000,
  ReviewLoop1764300016000,
  LeanDecisionRecord1764300017000,
];
