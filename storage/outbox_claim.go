package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"
)

// How claims keep clear of the index entries old row versions leave behind on PostgreSQL
// (autovacuum may be off, and nothing here waits for VACUUM): a claim reads the ready and
// waiting heads from a floor, a time below which nothing is left to claim, so it reads what is
// due and the few entries of the last seconds, not the history.
//
// A head written late (its transaction committed seconds after it wrote ready_at or wake_at)
// may sit just below the floor a claim moved to meanwhile: floors stay floorMargin behind
// what the claims saw, and every wideEvery a claim reads from wideMargin lower, so such a head
// waits at most wideEvery. Floors are kept in outbox_floors (wideMargin behind) for the next
// start. SQLite removes index entries at once: it has no floors.
const (
	floorMargin = time.Second
	wideMargin  = 2 * time.Minute
	wideEvery   = 15 * time.Second
	promoteMax  = 500
	idleMove    = 5 * time.Second // how often an idle claimer moves its floor up
)

// Claimer claims the due messages of one channel and priority for one owner, remembering
// where its reads start. One goroutine uses it at a time.
type Claimer struct {
	Owner    string
	Channel  string
	Priority int

	loaded   bool
	readyAt  time.Time // ready_at floor, in the database's clock
	wakeAt   time.Time // wake_at floor, in the program's clock
	lastWide time.Time
	movedAt  time.Time // when readyAt last moved
}

// ClaimOutbox leases up to limit due messages of one channel and priority to owner until
// now+lease, reading from the beginning of the queue (Claimer.Claim reads from its floors).
// A message stays claimed by one sender; another sees it again only when the lease expires.
func ClaimOutbox(ctx context.Context, q Queryer, owner, channel string, priority, limit int, now time.Time, lease time.Duration) ([]OutboxMessage, error) {
	c := &Claimer{Owner: owner, Channel: channel, Priority: priority, loaded: true}
	return c.Claim(ctx, q, limit, now, lease)
}

// Claim leases up to limit due messages, each the head of its chat, in the order their chats
// became ready: heads whose time came (a due time, an expired lease) become ready first.
func (c *Claimer) Claim(ctx context.Context, q Queryer, limit int, now time.Time, lease time.Duration) ([]OutboxMessage, error) {
	pg := q.Dialect() == Postgres
	if pg && !c.loaded {
		if err := c.load(ctx, q); err != nil {
			return nil, err
		}
	}
	wide := pg && time.Since(c.lastWide) >= wideEvery
	readyFloor, wakeFloor := c.readyAt, c.wakeAt
	if wide {
		readyFloor, wakeFloor = lower(readyFloor, wideMargin), lower(wakeFloor, wideMargin)
	}
	n, err := c.promote(ctx, q, wakeFloor, now)
	if err != nil {
		return nil, err
	}
	if pg && n < promoteMax {
		c.wakeAt = later(c.wakeAt, now.Add(-floorMargin))
	}
	heads, dbNow, err := c.claimHeads(ctx, q, readyFloor, limit, now.Add(lease))
	if err != nil {
		return nil, err
	}
	if pg {
		if len(heads) == 0 && time.Since(c.movedAt) >= idleMove {
			// Nothing ready from the floor on: move it up to now, or other replicas' claims
			// would leave ever more entries between it and what comes next.
			if err := q.Get(ctx, &dbNow, `SELECT clock_timestamp()`); err != nil {
				return nil, fmt.Errorf("claim outbox: %w", err)
			}
		}
		switch {
		case len(heads) == limit:
			c.readyAt = later(c.readyAt, heads[len(heads)-1].ReadyAt.Time.Add(-floorMargin))
			c.movedAt = time.Now()
		case !dbNow.IsZero():
			c.readyAt = later(c.readyAt, dbNow.Add(-floorMargin))
			c.movedAt = time.Now()
		}
		if wide {
			c.lastWide = time.Now()
			if err := c.save(ctx, q); err != nil {
				return nil, err
			}
		}
	}
	if len(heads) == 0 {
		return nil, nil
	}
	return c.claimMessages(ctx, q, heads, now, lease)
}

// lower is t moved back by d, unless t is the beginning.
func lower(t time.Time, d time.Duration) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(-d)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// minFloor is the lowest floor: before any time the queue holds.
var minFloor = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

func floorArg(t time.Time) time.Time {
	if t.IsZero() {
		return minFloor
	}
	return t
}

func (c *Claimer) load(ctx context.Context, q Queryer) error {
	var f struct {
		Ready time.Time `db:"ready_floor"`
		Wake  time.Time `db:"wake_floor"`
	}
	err := q.Get(ctx, &f, `SELECT ready_floor, wake_floor FROM outbox_floors WHERE channel = ? AND priority = ?`, c.Channel, c.Priority)
	switch {
	case err == nil:
		c.readyAt, c.wakeAt = f.Ready, f.Wake
	case err != ErrNotFound:
		return fmt.Errorf("outbox floors: %w", err)
	}
	c.loaded = true
	return nil
}

// save keeps the floors, wideMargin lower, for the next start; they only move up.
func (c *Claimer) save(ctx context.Context, q Queryer) error {
	if c.readyAt.IsZero() || c.wakeAt.IsZero() {
		return nil
	}
	ready, wake := c.readyAt.Add(-wideMargin), c.wakeAt.Add(-wideMargin)
	if _, err := q.Exec(ctx, `INSERT INTO outbox_floors (channel, priority, ready_floor, wake_floor) VALUES (?, ?, ?, ?)
ON CONFLICT (channel, priority) DO UPDATE SET
ready_floor = CASE WHEN excluded.ready_floor > outbox_floors.ready_floor THEN excluded.ready_floor ELSE outbox_floors.ready_floor END,
wake_floor = CASE WHEN excluded.wake_floor > outbox_floors.wake_floor THEN excluded.wake_floor ELSE outbox_floors.wake_floor END`,
		c.Channel, c.Priority, ready, wake); err != nil {
		return fmt.Errorf("save outbox floors: %w", err)
	}
	return nil
}

// promote makes heads whose time came ready: due messages, and messages whose sender's lease
// ran out (it died). It returns how many.
func (c *Claimer) promote(ctx context.Context, q Queryer, floor, now time.Time) (int64, error) {
	ready, readyArgs := readyNow(q)
	lock := ""
	if q.Dialect() == Postgres {
		lock = " FOR NO KEY UPDATE SKIP LOCKED"
	}
	args := append(readyArgs, c.Channel, c.Priority, floorArg(floor), now, promoteMax)
	n, err := execCount(ctx, q, `UPDATE outbox_heads SET ready_at = `+ready+`, wake_at = NULL, lease_owner = NULL
WHERE chat_key IN (SELECT chat_key FROM outbox_heads WHERE channel = ? AND priority = ? AND wake_at >= ? AND wake_at <= ?
	ORDER BY wake_at LIMIT ?`+lock+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("claim outbox: wake due heads: %w", err)
	}
	return n, nil
}

// claimedHead is a head a claim took.
type claimedHead struct {
	ChatKey  string       `db:"chat_key"`
	OutboxID int64        `db:"outbox_id"`
	ReadyAt  sql.NullTime `db:"ready_at"`
	DBNow    sql.NullTime `db:"db_now"`
}

// claimHeadsPG takes the first ready heads from the floor in the order they became ready,
// skipping those another claimer holds; it returns when they became ready and the database's
// clock, which the floor follows.
const claimHeadsPG = `WITH c AS (
	SELECT ctid, ready_at FROM outbox_heads WHERE channel = ? AND priority = ? AND ready_at >= ?
	ORDER BY ready_at LIMIT ? FOR NO KEY UPDATE SKIP LOCKED)
UPDATE outbox_heads h SET ready_at = NULL, wake_at = ?, lease_owner = ? FROM c WHERE h.ctid = c.ctid
RETURNING h.chat_key, h.outbox_id, c.ready_at, clock_timestamp() AS db_now`

const claimHeadsSQLite = `UPDATE outbox_heads SET ready_at = NULL, wake_at = ?, lease_owner = ? WHERE chat_key IN (
	SELECT chat_key FROM outbox_heads WHERE channel = ? AND priority = ? AND ready_at IS NOT NULL ORDER BY ready_at LIMIT ?)
RETURNING chat_key, outbox_id`

func (c *Claimer) claimHeads(ctx context.Context, q Queryer, floor time.Time, limit int, leaseUntil time.Time) ([]claimedHead, time.Time, error) {
	var heads []claimedHead
	var err error
	if q.Dialect() == Postgres {
		err = q.Select(ctx, &heads, claimHeadsPG, c.Channel, c.Priority, floorArg(floor), limit, leaseUntil, c.Owner)
	} else {
		err = q.Select(ctx, &heads, claimHeadsSQLite, leaseUntil, c.Owner, c.Channel, c.Priority, limit)
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("claim outbox: %w", err)
	}
	sort.Slice(heads, func(i, j int) bool { return heads[i].ReadyAt.Time.Before(heads[j].ReadyAt.Time) })
	var dbNow time.Time
	if len(heads) > 0 && heads[0].DBNow.Valid {
		dbNow = heads[0].DBNow.Time
	}
	return heads, dbNow, nil
}

// claimMessagesSQL leases the claimed heads' messages and reads, with them, when each
// recipient last wrote.
const claimMessagesSQL = `UPDATE outbox SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1
WHERE id IN (%s) AND status IN ('pending', 'sending')
RETURNING ` + outboxColumns + `, (SELECT i.last_inbound_at FROM identities i WHERE i.id = outbox.identity_id) AS last_inbound_at`

// claimMessages leases the heads' messages. A head whose message ended without it (the
// message failed as its identity became unreachable) is moved on instead.
func (c *Claimer) claimMessages(ctx context.Context, q Queryer, heads []claimedHead, now time.Time, lease time.Duration) ([]OutboxMessage, error) {
	args := []any{c.Owner, now.Add(lease)}
	for _, h := range heads {
		args = append(args, h.OutboxID)
	}
	var msgs []OutboxMessage
	if err := q.Select(ctx, &msgs, fmt.Sprintf(claimMessagesSQL, placeholders(len(heads))), args...); err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	order := make(map[int64]int, len(heads))
	for i, h := range heads {
		order[h.OutboxID] = i
	}
	sort.Slice(msgs, func(i, j int) bool { return order[msgs[i].ID] < order[msgs[j].ID] })
	if len(msgs) < len(heads) {
		got := map[int64]bool{}
		for _, m := range msgs {
			got[m.ID] = true
		}
		var stale []string
		for _, h := range heads {
			if !got[h.OutboxID] {
				stale = append(stale, h.ChatKey)
			}
		}
		if err := moveStale(ctx, q, stale, now); err != nil {
			return msgs, err
		}
	}
	return msgs, nil
}

// moveStale moves on heads whose message ended elsewhere.
func moveStale(ctx context.Context, q Queryer, chats []string, now time.Time) error {
	run := func(tx Queryer) error {
		_, err := AdvanceHeads(ctx, tx, chats, now, true)
		return err
	}
	if db, ok := q.(*DB); ok {
		return db.InTx(ctx, func(tx *Tx) error { return run(tx) })
	}
	return run(q)
}

// ClaimFollowing leases, with a claimed message, the messages of the same kind that follow it
// in its chat with nothing else between (up to limit): relays to one tutor go as one message.
// They share the head's lease and outcome. A follower left in flight by a sender that died is
// taken again.
func ClaimFollowing(ctx context.Context, q Queryer, head OutboxMessage, limit int, now time.Time) ([]OutboxMessage, error) {
	var next []struct {
		ID   int64  `db:"id"`
		Kind string `db:"kind"`
	}
	if err := q.Select(ctx, &next, `SELECT id, kind FROM outbox WHERE chat_key = ? AND status IN ('pending', 'sending') AND id > ?
AND (status = 'pending' OR lease_until < ?) AND next_attempt_at <= ? ORDER BY id LIMIT ?`, head.ChatKey, head.ID, now, now, limit); err != nil {
		return nil, fmt.Errorf("following messages: %w", err)
	}
	args := []any{head.LeaseOwner.String, head.LeaseUntil.Time}
	for _, n := range next {
		if n.Kind != head.Kind {
			break
		}
		args = append(args, n.ID)
	}
	if len(args) == 2 {
		return nil, nil
	}
	var msgs []OutboxMessage
	if err := q.Select(ctx, &msgs, fmt.Sprintf(claimMessagesSQL, placeholders(len(args)-2)), args...); err != nil {
		return nil, fmt.Errorf("claim following messages: %w", err)
	}
	sort.Slice(msgs, func(i, j int) bool { return msgs[i].ID < msgs[j].ID })
	return msgs, nil
}
