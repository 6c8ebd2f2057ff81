package domain

import (
	"context"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// Audit records what the actor did in the audit log, in the caller's transaction.
func Audit(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action, targetKind, targetID, detail string) error {
	kind, id := a.AuditActor()
	return storage.Audit(ctx, q, storage.AuditEntry{At: now, ActorKind: kind, ActorID: id, Action: action,
		TargetKind: targetKind, TargetID: targetID, Detail: detail})
}

// Refuse records in the audit log that the actor was refused an action (a role without the
// right, a record outside their scope, an expired button), in the caller's transaction. It is
// the one refusal audit: whoever answers the person does so after it.
func Refuse(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action, targetKind, targetID, detail string) error {
	kind, id := a.AuditActor()
	return storage.Audit(ctx, q, storage.AuditEntry{At: now, ActorKind: kind, ActorID: id, Action: action,
		TargetKind: targetKind, TargetID: targetID, Outcome: storage.OutcomeDenied, Detail: detail})
}

// systemAudit records what the bot itself did to a broadcast.
func systemAudit(ctx context.Context, q storage.Queryer, now time.Time, action string, broadcastID int64, detail string) error {
	return Audit(ctx, q, now, Actor{}, action, "broadcast", strconv.FormatInt(broadcastID, 10), detail)
}
