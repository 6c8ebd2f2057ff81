package scheduler_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot/scheduler"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// TestTwoReplicasSendEachReminderOnce: two schedulers on the same PostgreSQL and Redis, racing
// pass after pass, queue each reminder exactly once.
func TestTwoReplicasSendEachReminderOnce(t *testing.T) {
	f := newFixture(t)
	const people = 40
	s := f.session(f.at(2025, 12, 3, 10, 0), "")
	var bs []storage.Beneficiary
	for range people {
		b, _ := f.person("en")
		bs = append(bs, b)
	}
	f.enrol(s, bs...)
	other, otherReg := f.newScheduler(nil)
	race := func() {
		var wg sync.WaitGroup
		for _, sch := range []*scheduler.Scheduler{f.s, other} {
			wg.Go(func() {
				for range 3 {
					if _, err := sch.Tick(context.Background()); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
	}
	for round, at := range []time.Time{f.at(2025, 12, 2, 10, 0), f.at(2025, 12, 3, 8, 0)} {
		f.setClock(at)
		race()
		want := people * (round + 1)
		if got := f.outboxCount("reminder"); got != want {
			t.Fatalf("round %d: %d reminders queued, want %d", round, got, want)
		}
		var chats int
		if err := f.h.DB.Get(context.Background(), &chats, `SELECT COUNT(DISTINCT chat_key) FROM outbox WHERE kind = 'reminder'`); err != nil {
			t.Fatal(err)
		}
		if chats != people {
			t.Fatalf("round %d: reminders went to %d chats, want %d", round, chats, people)
		}
		sent := counter(t, f.reg, "insidebot_reminders_sent_total") + counter(t, otherReg, "insidebot_reminders_sent_total")
		if st := f.statuses(storage.ReminderSession); st["sent"] != want || sent != float64(want) {
			t.Fatalf("round %d: statuses %v, sent metrics %v, want %d", round, st, sent, want)
		}
	}
}

// TestRestartAfterTwoHoursDown: a reminder that came due while the scheduler was down goes
// late if its session has not started, and is dropped and counted if it has.
func TestRestartAfterTwoHoursDown(t *testing.T) {
	f := newFixture(t, flowtest.WithScheduler(func(c *scheduler.Config) {
		c.Offsets = []time.Duration{24 * time.Hour, time.Hour}
	}))
	before, beforeChat := f.person("en")
	after, afterChat := f.person("en")
	f.setClock(f.at(2025, 12, 2, 8, 5))
	later := f.session(f.at(2025, 12, 2, 11, 0), "")   // 1h reminder at 10:00
	started := f.session(f.at(2025, 12, 2, 9, 30), "") // 1h reminder at 08:30
	f.enrol(later, after)
	f.enrol(started, before)
	f.tick()
	if m1, m2 := beforeChat.Inbox(), afterChat.Inbox(); len(m1)+len(m2) != 0 {
		t.Fatal("reminders before they were due")
	}

	f.setClock(f.at(2025, 12, 2, 10, 5)) // two hours later, a new process
	restarted, reg := f.newScheduler(nil)
	if _, err := restarted.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	expectOne(t, afterChat.Inbox(), "Tuesday 2 December, 11:00")
	if msgs := beforeChat.Inbox(); len(msgs) != 0 {
		t.Fatalf("reminder of a session that had started:\n%s", flowtest.Describe(msgs))
	}
	if st := f.statuses(storage.ReminderSession); st["sent"] != 1 || st["dropped/late"] != 1 {
		t.Fatalf("statuses %v", st)
	}
	if late := counter(t, reg, "insidebot_reminders_dropped_total", "reason", "late"); late != 1 {
		t.Fatalf("dropped late = %v, want 1", late)
	}
}

// TestLongDowntime: when both reminders of a session came due during a downtime, only the
// latest goes; one late into quiet hours waits for the morning.
func TestLongDowntime(t *testing.T) {
	f := newFixture(t)
	b, chat := f.person("en")
	s := f.session(f.at(2025, 12, 3, 10, 0), "")
	f.enrol(s, b)
	f.setClock(f.at(2025, 12, 2, 23, 0)) // the 24h reminder (Tue 10:00) is 13 hours late, at night
	f.tick()
	if msgs := chat.Inbox(); len(msgs) != 0 {
		t.Fatalf("sent during quiet hours:\n%s", flowtest.Describe(msgs))
	}
	f.setClock(f.at(2025, 12, 3, 8, 0)) // now the 2h one is due too
	f.tick()
	expectOne(t, chat.Inbox(), "Wednesday 3 December, 10:00")
	if st := f.statuses(storage.ReminderSession); st["sent"] != 1 || st["dropped/superseded"] != 1 {
		t.Fatalf("statuses %v", st)
	}
}

// TestStopErasureAndBlocked: STOP and no consent to announcements do not stop the reminders of
// a session someone enrolled in; erasure and a blocked bot do, for good: the sweep's planner
// cancels what was planned for someone the bot can no longer reach, nothing is sent or dropped.
func TestStopErasureAndBlocked(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	stopped, stoppedChat := f.person("en")
	erased, erasedChat := f.person("en")
	blocked, blockedChat := f.person("en")
	s := f.session(f.at(2025, 12, 3, 10, 0), "")
	f.enrol(s, stopped, erased, blocked)

	now := f.h.Clock.Now()
	if err := storage.SetAnnouncementsStopped(ctx, f.h.DB, stopped.ID, &now); err != nil {
		t.Fatal(err)
	}
	if err := storage.SetConsent(ctx, f.h.DB, stopped.ID, storage.ConsentAnnouncements, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.EraseBeneficiary(ctx, f.h.DB, erased.ID, now); err != nil {
		t.Fatal(err)
	}
	ids, err := storage.IdentitiesOf(ctx, f.h.DB, blocked.ID, 0)
	if err != nil || len(ids) != 1 {
		t.Fatal(ids, err)
	}
	if err := storage.SetUnreachable(ctx, f.h.DB, ids[0].ID, &now); err != nil {
		t.Fatal(err)
	}

	f.setClock(f.at(2025, 12, 2, 10, 0))
	f.tick()
	expectOne(t, stoppedChat.Inbox(), "Wednesday 3 December, 10:00")
	if m1, m2 := erasedChat.Inbox(), blockedChat.Inbox(); len(m1)+len(m2) != 0 {
		t.Fatalf("messages to the erased or blocked:\n%s%s", flowtest.Describe(m1), flowtest.Describe(m2))
	}
	byPerson := map[int64][]string{}
	for _, r := range f.reminders(storage.ReminderSession) {
		byPerson[r.BeneficiaryID.Int64] = append(byPerson[r.BeneficiaryID.Int64], r.Status+"/"+r.Reason.String)
	}
	if got := byPerson[erased.ID]; len(got) != 2 || got[0] != "cancelled/erased" || got[1] != "cancelled/erased" {
		t.Errorf("erased: %v", got)
	}
	if got := byPerson[blocked.ID]; len(got) != 2 || got[0] != "cancelled/unreachable" || got[1] != "cancelled/unreachable" {
		t.Errorf("blocked: %v", got)
	}
	if got := counter(t, f.reg, "insidebot_reminders_dropped_total", "reason", "unreachable"); got != 0 {
		t.Errorf("dropped unreachable = %v, want none: nothing is planned for them", got)
	}
}

// TestWhatVanishedIsDroppedNotRetried: a session cancelled, an enrolment removed, a person
// closed, an answer changed to no, all behind the planner's back: nothing goes and nothing
// stays pending.
func TestWhatVanishedIsDroppedNotRetried(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var chats []*flowtest.Chat
	var sessions []storage.Session
	for range 4 {
		b, chat := f.person("en")
		s := f.session(f.at(2025, 12, 3, 10, 0), "")
		f.enrol(s, b)
		chats = append(chats, chat)
		sessions = append(sessions, s)
	}
	now := f.h.Clock.Now()
	mustExec := func(q string, args ...any) {
		if _, err := f.h.DB.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(`UPDATE lab_sessions SET status = 'cancelled' WHERE id = ?`, sessions[0].ID)
	mustExec(`DELETE FROM enrolments WHERE session_id = ?`, sessions[1].ID)
	mustExec(`UPDATE beneficiaries SET status = 'closed' WHERE id IN (SELECT beneficiary_id FROM enrolments WHERE session_id = ?)`, sessions[2].ID)
	mustExec(`UPDATE enrolments SET rsvp = 'no', rsvp_at = ? WHERE session_id = ?`, now, sessions[3].ID)

	f.setClock(f.at(2025, 12, 2, 10, 0))
	f.tick()
	f.setClock(f.at(2025, 12, 3, 9, 0))
	f.tick()
	for i, c := range chats {
		if msgs := c.Inbox(); len(msgs) != 0 {
			t.Errorf("person %d got:\n%s", i, flowtest.Describe(msgs))
		}
	}
	if got := f.pending(storage.ReminderSession); len(got) != 0 {
		t.Fatalf("still pending: %v", got)
	}
	st := f.statuses(storage.ReminderSession)
	if st["dropped/session_cancelled"] != 2 || st["cancelled/unenrolled"] != 2 || st["cancelled/closed"] != 2 || st["cancelled/rsvp_no"] != 2 {
		t.Fatalf("statuses %v", st)
	}
}
