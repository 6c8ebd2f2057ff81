package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// item is the outcome of one delivery: the messages it concerns (a relay and those that went
// with it) and what became of them.
type item struct {
	msgs        []storage.OutboxMessage
	outcome     storage.Outcome // ID unset: it applies to every message
	unreachable bool            // the contact is gone: stop every message to it, run the hook
	fromJournal bool            // taken from the journal: remove it there once recorded
	journaled   bool            // written to the journal (the database refused it once)
}

type resultOption func(*item)

func withJournal() resultOption { return func(i *item) { i.fromJournal = true } }

// ends tells whether the outcome ends its messages (the chat's head moves on).
func (i *item) ends() bool {
	return i.outcome.Result == storage.OutcomeSent || i.outcome.Result == storage.OutcomeFailed
}

// maxBatch is how many outcomes one transaction records at most.
const maxBatch = 256

// Retry delays of outcomes the database did not take.
const (
	firstRetry = 200 * time.Millisecond
	maxRetry   = 2 * time.Second
)

// recorder writes outcomes, many in one transaction: the statuses, the hooks, the chats'
// heads. While the database refuses them it keeps them, in memory and (those that end a
// message) in the Redis journal, and tries again; they are recorded when it returns.
type recorder struct {
	s       *Service
	mu      sync.Mutex
	queue   []*item
	waiting map[int64]*item // ended messages not recorded yet, by id
	kick    chan struct{}
	closed  chan struct{}
	once    sync.Once
}

func newRecorder(s *Service) *recorder {
	return &recorder{s: s, waiting: map[int64]*item{}, kick: make(chan struct{}, 1), closed: make(chan struct{})}
}

func (r *recorder) add(i *item) {
	r.mu.Lock()
	r.queue = append(r.queue, i)
	if i.ends() {
		for _, m := range i.msgs {
			r.waiting[m.ID] = i
		}
	}
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// close tells run that no more outcomes come: it records what it has and returns.
func (r *recorder) close() { r.once.Do(func() { close(r.closed) }) }

// run records outcomes as they come until close; then it records (or journals) what is left,
// for a while at most.
func (r *recorder) run(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	delay := time.Duration(0)
	for {
		var tick <-chan time.Time
		var t *time.Timer
		if delay > 0 {
			t = time.NewTimer(delay)
			tick = t.C
		}
		select {
		case <-r.kick:
		case <-tick:
		case <-r.closed:
			r.drain(ctx)
			return
		}
		if t != nil {
			t.Stop()
		}
		if r.flushAll(ctx) {
			delay = 0
		} else {
			delay = min(max(2*delay, firstRetry), maxRetry)
		}
	}
}

// drain records what is left at shutdown, trying for a few seconds; what the database still
// refuses stays in the journal for the next start.
func (r *recorder) drain(ctx context.Context) {
	deadline := time.Now().Add(5 * time.Second)
	for !r.flushAll(ctx) && time.Now().Before(deadline) {
		time.Sleep(firstRetry)
	}
}

// flushAll records every queued outcome; false when the database refused some.
func (r *recorder) flushAll(ctx context.Context) bool {
	for {
		r.mu.Lock()
		n := min(len(r.queue), maxBatch)
		batch := append([]*item(nil), r.queue[:n]...)
		r.mu.Unlock()
		if n == 0 {
			return true
		}
		if err := r.flush(ctx, batch); err != nil {
			r.s.cfg.Log.Warn("outcomes not recorded, kept to try again", "count", len(batch), "err", err)
			r.journal(ctx, batch)
			return false
		}
		r.mu.Lock()
		r.queue = r.queue[n:]
		for _, i := range batch {
			if i.ends() {
				for _, m := range i.msgs {
					if r.waiting[m.ID] == i {
						delete(r.waiting, m.ID)
					}
				}
			}
		}
		r.mu.Unlock()
		r.s.wakeLocal() // the chats' next messages may be due
	}
}

// errHook marks a hook's failure: the outcomes are then recorded without the hooks.
var errHook = errors.New("delivery hook")

// flush records a batch in one transaction; if a hook fails, the outcomes are recorded alone
// (a sent message must never be sent again because a report could not be updated).
func (r *recorder) flush(ctx context.Context, batch []*item) error {
	var skipped []string
	var rec storage.Recorded
	err := r.s.cfg.DB.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		rec, skipped, err = r.record(ctx, tx, batch, true)
		return err
	})
	if errors.Is(err, errHook) {
		r.s.cfg.Log.Error("delivery hooks failed; recording the outcomes alone", "err", err)
		err = r.s.cfg.DB.InTx(ctx, func(tx *storage.Tx) error {
			var err error
			rec, skipped, err = r.record(ctx, tx, batch, false)
			return err
		})
	}
	if err != nil {
		return err
	}
	r.forget(ctx, batch, rec)
	// Heads another transaction held (an enqueuer, until it commits): each in its own.
	for _, chat := range skipped {
		if err := r.s.cfg.DB.InTx(ctx, func(tx *storage.Tx) error {
			_, err := storage.AdvanceHeads(ctx, tx, []string{chat}, r.s.cfg.Clock.Now(), true)
			return err
		}); err != nil {
			// The head's lease runs out and a claim moves it on.
			r.s.cfg.Log.Warn("chat head not moved on", "err", err)
		}
	}
	return nil
}

func (r *recorder) record(ctx context.Context, tx *storage.Tx, batch []*item, hooks bool) (storage.Recorded, []string, error) {
	now := r.s.cfg.Clock.Now()
	var plain, journaled []storage.Outcome
	for _, i := range batch {
		for _, m := range i.msgs {
			o := i.outcome
			o.ID = m.ID
			if i.journaled && i.ends() {
				o.Journaled = true
				journaled = append(journaled, o)
			} else {
				plain = append(plain, o)
			}
		}
	}
	rec, err := storage.RecordOutcomes(ctx, tx, r.s.cfg.Owner, append(plain, journaled...), now)
	if err != nil {
		return rec, nil, err
	}
	for _, i := range batch {
		if len(i.msgs) > 0 && !rec.Recorded[i.msgs[0].ID] && i.ends() && !i.fromJournal {
			r.s.cfg.Log.Warn("outbox message no longer ours (lease expired)", "outbox", i.msgs[0].ID)
		}
	}
	if hooks {
		if err := r.hooks(ctx, tx, batch, rec, now); err != nil {
			return rec, nil, fmt.Errorf("%w: %w", errHook, err)
		}
	}
	skipped, err := storage.AdvanceHeads(ctx, tx, rec.Ended, now, false)
	return rec, skipped, err
}

// hooks stops messages to unreachable identities and tells the journeys, in the transaction
// that records the outcomes.
func (r *recorder) hooks(ctx context.Context, tx *storage.Tx, batch []*item, rec storage.Recorded, now time.Time) error {
	var broadcasts []int64
	for _, i := range batch {
		if !i.ends() {
			continue
		}
		for _, m := range i.msgs {
			if rec.Recorded[m.ID] && m.BroadcastID.Valid {
				broadcasts = append(broadcasts, m.BroadcastID.Int64)
			}
		}
		m := i.msgs[0]
		if !i.unreachable || !m.IdentityID.Valid || !rec.Recorded[m.ID] {
			continue
		}
		id := m.IdentityID.Int64
		// The hook owns the change to unreachable (it marks the identity and tells whoever must
		// know, once); without one the identity is only marked.
		if r.s.cfg.Unreachable != nil {
			if err := r.s.cfg.Unreachable(ctx, tx, id, now); err != nil {
				return fmt.Errorf("unreachable hook: %w", err)
			}
		} else if err := storage.SetUnreachable(ctx, tx, id, &now); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		more, err := storage.PendingBroadcastIDs(ctx, tx, id)
		if err != nil {
			return err
		}
		broadcasts = append(broadcasts, more...)
		if _, err := storage.FailPendingForIdentity(ctx, tx, id, "unreachable"); err != nil {
			return err
		}
	}
	if r.s.cfg.BroadcastMessageDone != nil {
		for _, b := range broadcasts {
			if err := r.s.cfg.BroadcastMessageDone(ctx, tx, b, now); err != nil {
				return fmt.Errorf("broadcast hook: %w", err)
			}
		}
	}
	return nil
}
