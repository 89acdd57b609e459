import { PolicySchema1764300000000 } from './1764300000000-PolicySchema';
import { DecisionLog1764300001000 } from './1764300001000-DecisionLog';
import { RulesetDefaults1764300002000 } from './1764300002000-RulesetDefaults';
import { DecisionLogAppendFunction1764300003000 } from './1764300003000-DecisionLogAppendFunction';
import { DecisionLogAppendBatch1764300004000 } from './1764300004000-DecisionLogAppendBatch';
import { LeastPrivilege1764300005000 } from './1764300005000-LeastPrivilege';
import { PublishRequiresAuditEvent1764300006000 } from './1764300006000-PublishRequiresAuditEvent';

/** Every migration, oldest first. Listed explicitly so the same list runs compiled and under ts-jest. */
export const migrations = [
  PolicySchema1764300000000,
  DecisionLog1764300001000,
  RulesetDefaults1764300002000,
  DecisionLogAppendFunction1764300003000,
  DecisionLogAppendBatch1764300004000,
  LeastPrivilege1764300005000,
  PublishRequiresAuditEvent1764300006000,
];
