import type { Clock } from '../clock.ts';
import { auditedArguments } from '../domain/audit.ts';
import { newId } from '../domain/ids.ts';
import { auditLogRepository } from '../store/audit-log.ts';
import type { Db } from '../store/db.ts';

/** One mutation as called: who, which field, on what, with which arguments, answered with which type. */
export type AuditedCall = {
  tenantId: string;
  keyId: string;
  keyPrefix: string;
  mutation: string;
  targetId: string | null;
  args: Readonly<Record<string, unknown>>;
  outcome: string;
};

/** The audit trail's one write path: every mutation's row goes through `record` (graphql/audit-plugin.ts). */
export function auditService({ db, clock }: { db: Db; clock: Clock }) {
  const entries = auditLogRepository(db);
  return {
    async record(call: AuditedCall): Promise<void> {
      const now = clock.now();
      await entries.insert({
        id: newId('audit', now),
        tenantId: call.tenantId,
        keyId: call.keyId,
        keyPrefix: call.keyPrefix,
        mutation: call.mutation,
        targetId: call.targetId,
        fields: auditedArguments(call.args),
        outcome: call.outcome,
        createdAt: now,
      });
    },
  };
}
