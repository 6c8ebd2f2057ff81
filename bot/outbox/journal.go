package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/insideaut/insidebot/storage"
)

// The journal keeps, in Redis, the outcomes of messages that were sent (or ended) while the
// database could not record it, so that they are recorded when it returns, even after a
// restart, and so that a message whose lease ran out meanwhile is not sent again: a sender
// that claims a message already claimed before looks here first. Entries go once recorded;
// any left after journalTTL are forgotten.
const journalTTL = 7 * 24 * time.Hour

// journalEntry is an outcome in the journal, with what recording it needs.
type journalEntry struct {
	Result      string    `json:"result"`
	ProviderID  string    `json:"provider_id,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	Channel     string    `json:"channel"`
	BroadcastID int64     `json:"broadcast_id,omitempty"`
	IdentityID  int64     `json:"identity_id,omitempty"`
	Unreachable bool      `json:"unreachable,omitempty"`
	At          time.Time `json:"at"`
}

func (r *recorder) journalKey() string { return r.s.cfg.Redis.Key("outbox", "journal") }

// journal writes the outcomes of a batch the database refused that end messages, and marks
// them journaled: when the database returns they are recorded even if their lease ran out.
func (r *recorder) journal(ctx context.Context, batch []*item) {
	now := time.Now()
	fields := map[string]any{}
	for _, i := range batch {
		if !i.ends() || i.journaled {
			continue
		}
		r.mu.Lock()
		i.journaled = true
		r.mu.Unlock()
		for _, m := range i.msgs {
			e := journalEntry{Result: i.outcome.Result, ProviderID: i.outcome.ProviderID, Reason: i.outcome.Reason, Channel: m.Channel,
				BroadcastID: m.BroadcastID.Int64, IdentityID: m.IdentityID.Int64, Unreachable: i.unreachable, At: now}
			b, err := json.Marshal(e)
			if err != nil {
				continue
			}
			fields[strconv.FormatInt(m.ID, 10)] = string(b)
		}
	}
	if len(fields) == 0 {
		return
	}
	if err := r.s.cfg.Redis.Client().HSet(ctx, r.journalKey(), fields).Err(); err != nil {
		r.s.cfg.Log.Error("outcomes not journaled either: kept in memory only", "count", len(fields), "err", err)
	}
}

// forget removes recorded outcomes from the journal, and those whose message ended anyway
// (or is gone). An outcome not recorded because another sender holds the message now stays:
// that sender finds it before sending.
func (r *recorder) forget(ctx context.Context, batch []*item, rec storage.Recorded) {
	var done []string
	var check []any
	for _, i := range batch {
		if !i.journaled && !i.fromJournal {
			continue
		}
		for _, m := range i.msgs {
			if rec.Recorded[m.ID] {
				done = append(done, strconv.FormatInt(m.ID, 10))
			} else {
				check = append(check, m.ID)
			}
		}
	}
	if len(check) > 0 {
		var live []int64
		if err := r.s.cfg.DB.Select(ctx, &live, `SELECT id FROM outbox WHERE id IN (`+marks(len(check))+`) AND status IN ('pending', 'sending')`,
			check...); err != nil {
			return // kept: looked at again later
		}
		alive := map[int64]bool{}
		for _, id := range live {
			alive[id] = true
		}
		for _, id := range check {
			if !alive[id.(int64)] {
				done = append(done, strconv.FormatInt(id.(int64), 10))
			}
		}
	}
	if len(done) == 0 {
		return
	}
	if err := r.s.cfg.Redis.Client().HDel(ctx, r.journalKey(), done...).Err(); err != nil {
		r.s.cfg.Log.Warn("journal entries not removed", "err", err)
	}
}

func marks(n int) string {
	b := make([]byte, 0, 3*n)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}

// journaled finds an outcome kept for a message: in memory (this replica could not record
// it yet) or in the journal (any replica, before a restart).
func (r *recorder) journaled(ctx context.Context, id int64) (storage.Outcome, bool) {
	r.mu.Lock()
	i, ok := r.waiting[id]
	r.mu.Unlock()
	if ok {
		return i.outcome, true
	}
	v, err := r.s.cfg.Redis.Client().HGet(ctx, r.journalKey(), strconv.FormatInt(id, 10)).Result()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			r.s.cfg.Log.Warn("journal unreadable: sending", "outbox", id, "err", err)
		}
		return storage.Outcome{}, false
	}
	var e journalEntry
	if err := json.Unmarshal([]byte(v), &e); err != nil {
		return storage.Outcome{}, false
	}
	return storage.Outcome{Result: e.Result, ProviderID: e.ProviderID, Reason: e.Reason}, true
}

// recover queues the journal's outcomes (written before a restart, or by a replica that
// died) to be recorded.
func (r *recorder) recover(ctx context.Context) {
	all, err := r.s.cfg.Redis.Client().HGetAll(ctx, r.journalKey()).Result()
	if err != nil {
		r.s.cfg.Log.Warn("journal unreadable at start", "err", err)
		return
	}
	var stale []string
	n := 0
	for field, v := range all {
		id, err := strconv.ParseInt(field, 10, 64)
		var e journalEntry
		if err != nil || json.Unmarshal([]byte(v), &e) != nil || time.Since(e.At) > journalTTL {
			stale = append(stale, field)
			continue
		}
		m := storage.OutboxMessage{ID: id, Channel: e.Channel,
			BroadcastID: sql.NullInt64{Int64: e.BroadcastID, Valid: e.BroadcastID != 0},
			IdentityID:  sql.NullInt64{Int64: e.IdentityID, Valid: e.IdentityID != 0}}
		r.add(&item{msgs: []storage.OutboxMessage{m}, outcome: storage.Outcome{Result: e.Result, ProviderID: e.ProviderID, Reason: e.Reason},
			unreachable: e.Unreachable, journaled: true, fromJournal: true})
		n++
	}
	if len(stale) > 0 {
		_ = r.s.cfg.Redis.Client().HDel(ctx, r.journalKey(), stale...).Err()
	}
	if n > 0 {
		r.s.cfg.Log.Info("outcomes from the journal queued for recording", "count", n)
	}
}
