package scheduler_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot/scheduler"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// TestSessionReminderSentOnce: each enrolled person gets each reminder once, at 10:00 the day
// before and two hours before, in their language, with date, time, place, map and RSVP buttons
// (and the template a WhatsApp sender needs outside the 24-hour window).
func TestSessionReminderSentOnce(t *testing.T) {
	f := newFixture(t)
	f.h.LinkStaff(f.h.Telegram(), f.tutor) // a tutor the bot can reach gets a digest
	en, enChat := f.person("en")
	it, itChat := f.person("it")
	s := f.session(f.at(2025, 12, 3, 10, 0), "https://maps.example/padova36")
	f.enrol(s, en, it)

	want := []string{}
	for _, b := range []storage.Beneficiary{en, it} {
		want = append(want, formatPending(b.ID, f.at(2025, 12, 2, 10, 0)), formatPending(b.ID, f.at(2025, 12, 3, 8, 0)))
	}
	slices.Sort(want)
	if got := sorted(f.pending(storage.ReminderSession)); !slices.Equal(got, want) {
		t.Fatalf("planned %v, want %v", got, want)
	}

	f.setClock(f.at(2025, 12, 2, 9, 59))
	f.tick()
	if n := f.outboxCount("reminder"); n != 0 {
		t.Fatalf("%d reminders a minute early", n)
	}
	f.setClock(f.at(2025, 12, 2, 10, 0))
	f.tick()
	if n := f.outboxCount("reminder"); n != 2 {
		t.Fatalf("%d reminders, want 2", n)
	}
	msg := expectOne(t, enChat.Inbox(), "LabIn Lavoro — Il curriculum", "Wednesday 3 December, 10:00", "Via Padova 36, Milano", "Will you come?")
	yes, _ := flowtest.FindButton([]botOutgoing{msg}, "I will come")
	no, _ := flowtest.FindButton([]botOutgoing{msg}, "can't come")
	mapBtn, _ := flowtest.FindButton([]botOutgoing{msg}, "Map")
	if yes.Data != notify.Data(notify.ButtonRSVP, s.ID, notify.RSVPYes) || no.Data != notify.Data(notify.ButtonRSVP, s.ID, notify.RSVPNo) ||
		mapBtn.URL != "https://maps.example/padova36" {
		t.Fatalf("buttons: %s", flowtest.Describe([]botOutgoing{msg}))
	}
	if msg.Template == nil || msg.Template.Kind != scheduler.TemplateSessionReminder ||
		!slices.Equal(msg.Template.Params, []string{"LabIn Lavoro — Il curriculum", "Wednesday 3 December, 10:00", "Via Padova 36, Milano"}) {
		t.Fatalf("template = %+v", msg.Template)
	}
	expectOne(t, itChat.Inbox(), "mercoledì 3 dicembre, 10:00", "Ci sarai?")
	// A reminder is of no use once the session began: held until then, it is dropped.
	var expires []time.Time
	if err := f.h.DB.Select(context.Background(), &expires, `SELECT expires_at FROM outbox WHERE kind = 'reminder'`); err != nil {
		t.Fatal(err)
	}
	for _, e := range expires {
		if !e.Equal(s.StartsAt) {
			t.Fatalf("reminders expire at %v, want the session's start %v", expires, s.StartsAt)
		}
	}

	// Again at the same time, and a replica's pass through the harness: nothing twice.
	f.tick()
	f.h.RunScheduler()
	if msgs := enChat.Inbox(); len(msgs) != 0 || f.outboxCount("reminder") != 2 {
		t.Fatalf("sent twice:\n%s", flowtest.Describe(msgs))
	}

	f.rsvp(s, en, notify.RSVPYes)
	f.setClock(f.at(2025, 12, 3, 8, 0))
	f.tick()
	expectOne(t, enChat.Inbox(), "You said you will come")
	expectOne(t, itChat.Inbox(), "Ci sarai?")
	if got := f.outboxCount("reminder"); got != 4 {
		t.Fatalf("%d reminders in the outbox, want 4", got)
	}
	// Due: the four reminders and the tutor's digest of Tuesday, which had nothing to say.
	due, sent := counter(t, f.reg, "insidebot_reminders_due_total"), counter(t, f.reg, "insidebot_reminders_sent_total")
	if empty := counter(t, f.reg, "insidebot_reminders_dropped_total", "reason", "empty"); due != 5 || sent != 4 || empty != 1 {
		t.Fatalf("metrics due %v sent %v empty digests %v, want 5, 4, 1", due, sent, empty)
	}
}

// TestOffsetsFromConfiguration: REMINDER_OFFSETS decides when reminders go: whole days keep the
// wall-clock time, shorter offsets are elapsed time.
func TestOffsetsFromConfiguration(t *testing.T) {
	f := newFixture(t, flowtest.WithScheduler(func(c *scheduler.Config) {
		c.Offsets = []time.Duration{72 * time.Hour, 30 * time.Minute}
	}))
	b, _ := f.person("en")
	s := f.session(f.at(2025, 12, 5, 18, 0), "")
	f.enrol(s, b)
	want := []string{formatPending(b.ID, f.at(2025, 12, 2, 18, 0)), formatPending(b.ID, f.at(2025, 12, 5, 17, 30))}
	if got := f.pending(storage.ReminderSession); !slices.Equal(got, want) {
		t.Fatalf("planned %v, want %v", got, want)
	}
}

// TestQuietHoursWhenPlanning: a reminder inside quiet hours goes at their end, or before they
// began when their end is too late for the session; the move is counted when it is sent.
func TestQuietHoursWhenPlanning(t *testing.T) {
	f := newFixture(t)
	b, chat := f.person("en")
	early := f.session(f.at(2025, 12, 3, 7, 30), "") // 24h: Tue 07:30 -> 08:00; 2h: Wed 05:30 -> Tue 20:59
	eight := f.session(f.at(2025, 12, 3, 8, 0), "")  // 24h: Tue 08:00; 2h: Wed 06:00 -> Tue 20:59
	nine := f.session(f.at(2025, 12, 3, 9, 0), "")   // 24h: Tue 09:00; 2h: Wed 07:00 -> 08:00
	f.enrol(early, b)
	f.enrol(eight, b)
	f.enrol(nine, b)
	byEvent := map[string][]string{}
	for _, r := range f.reminders(storage.ReminderSession) {
		k := r.EventAt.Time.In(f.h.Rome).Format("15:04")
		byEvent[k] = append(byEvent[k], r.DueAt.In(f.h.Rome).Format("Mon 15:04")+flag(r.Deferred))
	}
	want := map[string][]string{
		"07:30": {"Tue 08:00 (moved)", "Tue 20:59 (moved)"},
		"08:00": {"Tue 08:00", "Tue 20:59 (moved)"},
		"09:00": {"Wed 08:00 (moved)", "Tue 09:00"},
	}
	for k, w := range want {
		got := sorted(byEvent[k])
		if !slices.Equal(got, sorted(w)) {
			t.Errorf("session at %s: reminders %v, want %v", k, got, w)
		}
	}
	f.setClock(f.at(2025, 12, 2, 8, 0))
	f.tick()
	if msgs := chat.Inbox(); len(msgs) != 2 {
		t.Fatalf("Tuesday 08:00: %d messages, want 2", len(msgs))
	}
	if got := counter(t, f.reg, "insidebot_reminders_deferred_total"); got != 1 {
		t.Fatalf("deferred = %v, want 1", got)
	}
	f.setClock(f.at(2025, 12, 2, 9, 0))
	f.tick()
	expectOne(t, chat.Inbox(), "Wednesday 3 December, 09:00")
	f.setClock(f.at(2025, 12, 2, 20, 59))
	f.tick()
	if msgs := chat.Inbox(); len(msgs) != 2 {
		t.Fatalf("at 20:59, %d messages, want 2:\n%s", len(msgs), flowtest.Describe(msgs))
	}
	f.setClock(f.at(2025, 12, 3, 7, 59))
	f.tick()
	if msgs := chat.Inbox(); len(msgs) != 0 {
		t.Fatalf("%d reminders during quiet hours", len(msgs))
	}
	f.setClock(f.at(2025, 12, 3, 8, 0))
	f.tick()
	expectOne(t, chat.Inbox(), "09:00")
}

// TestDaylightSavingWhenPlanning: on both dialects, sessions at 10:00 on and after both changes
// of the clock are reminded at 10:00 the day before, and sent then.
func TestDaylightSavingWhenPlanning(t *testing.T) {
	for _, dialect := range []struct {
		name string
		opts []flowtest.Option
	}{{"postgres", nil}, {"sqlite", []flowtest.Option{flowtest.SQLite()}}} {
		t.Run(dialect.name, func(t *testing.T) {
			opts := append(dialect.opts, flowtest.WithScheduler(func(c *scheduler.Config) { c.Offsets = []time.Duration{24 * time.Hour} }))
			f := newFixture(t, opts...)
			b, chat := f.person("en")
			for _, c := range []struct{ now, session, reminder time.Time }{
				{f.at(2026, 3, 20, 12, 0), f.at(2026, 3, 29, 10, 0), f.at(2026, 3, 28, 10, 0)},
				{f.at(2026, 3, 20, 12, 0), f.at(2026, 3, 30, 10, 0), f.at(2026, 3, 29, 10, 0)},
				{f.at(2025, 10, 20, 12, 0), f.at(2025, 10, 26, 10, 0), f.at(2025, 10, 25, 10, 0)},
				{f.at(2025, 10, 20, 12, 0), f.at(2025, 10, 27, 10, 0), f.at(2025, 10, 26, 10, 0)},
			} {
				f.setClock(c.now)
				s := f.session(c.session, "")
				f.enrol(s, b)
				rs, err := storage.RemindersFor(context.Background(), f.h.DB, storage.ReminderSession, s.ID, 0)
				if err != nil || len(rs) != 1 {
					t.Fatalf("session %s: %v %v", c.session, rs, err)
				}
				if !rs[0].DueAt.Equal(c.reminder) {
					t.Errorf("session %s: reminded at %s, want %s", c.session, rs[0].DueAt.In(f.h.Rome), c.reminder)
				}
				f.setClock(c.reminder.Add(-time.Minute))
				f.tick()
				if msgs := ofKind(chat.Inbox(), scheduler.TemplateSessionReminder); len(msgs) != 0 {
					t.Fatalf("session %s: sent early", c.session)
				}
				f.setClock(c.reminder)
				f.tick()
				expectOne(t, ofKind(chat.Inbox(), scheduler.TemplateSessionReminder), c.session.Format("2")+" "+c.session.Month().String()+", 10:00")
			}
		})
	}
}

// TestMovedCancelledAndAnswered: reminders follow the session and the people's answers; those
// already sent stay sent, and a cancelled session reminds nobody.
func TestMovedCancelledAndAnswered(t *testing.T) {
	f := newFixture(t)
	b1, chat1 := f.person("en")
	b2, chat2 := f.person("en")
	s := f.session(f.at(2025, 12, 3, 10, 0), "")
	f.enrol(s, b1, b2)

	move := func(start time.Time) {
		f.change(s.ID, func(ctx context.Context, tx *storage.Tx) error {
			return storage.MoveSession(ctx, tx, s.ID, start, start.Add(2*time.Hour), f.h.Clock.Now())
		})
	}
	move(f.at(2025, 12, 4, 15, 0))
	want := sorted([]string{formatPending(b1.ID, f.at(2025, 12, 3, 15, 0)), formatPending(b1.ID, f.at(2025, 12, 4, 13, 0)),
		formatPending(b2.ID, f.at(2025, 12, 3, 15, 0)), formatPending(b2.ID, f.at(2025, 12, 4, 13, 0))})
	if got := sorted(f.pending(storage.ReminderSession)); !slices.Equal(got, want) {
		t.Fatalf("after the move: %v, want %v", got, want)
	}
	if st := f.statuses(storage.ReminderSession); st["cancelled/moved"] != 4 {
		t.Fatalf("old reminders: %v", st)
	}
	f.setClock(f.at(2025, 12, 3, 15, 0))
	f.tick()
	expectOne(t, chat1.Inbox(), "Thursday 4 December, 15:00")
	expectOne(t, chat2.Inbox(), "Thursday 4 December, 15:00")

	// Moved again after the day-before reminders went: they stay sent, the new time is reminded.
	move(f.at(2025, 12, 5, 15, 0))
	st := f.statuses(storage.ReminderSession)
	if st["sent"] != 2 || st["cancelled/moved"] != 6 || st["pending"] != 4 {
		t.Fatalf("after the second move: %v", st)
	}
	f.rsvp(s, b2, notify.RSVPNo)
	if got := f.pending(storage.ReminderSession); len(got) != 2 || got[0][:len(itoa(b1.ID))+1] != itoa(b1.ID)+"@" {
		t.Fatalf("after b2 said no: %v", got)
	}
	f.rsvp(s, b2, notify.RSVPYes)
	if got := f.pending(storage.ReminderSession); len(got) != 4 {
		t.Fatalf("after b2 said yes again: %v", got)
	}
	f.change(s.ID, func(ctx context.Context, tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM enrolments WHERE session_id = ? AND beneficiary_id = ?`, s.ID, b1.ID)
		return err
	})
	if st := f.statuses(storage.ReminderSession); st["cancelled/unenrolled"] != 2 || st["pending"] != 2 {
		t.Fatalf("after b1 was unenrolled: %v", st)
	}
	f.change(s.ID, func(ctx context.Context, tx *storage.Tx) error {
		_, err := storage.CancelSession(ctx, tx, s.ID, f.h.Clock.Now())
		return err
	})
	if got := f.pending(storage.ReminderSession); len(got) != 0 {
		t.Fatalf("cancelled session still reminds: %v", got)
	}
	f.setClock(f.at(2025, 12, 5, 14, 0))
	f.tick()
	if m1, m2 := chat1.Inbox(), chat2.Inbox(); len(m1)+len(m2) != 0 {
		t.Fatalf("reminders after cancellation:\n%s%s", flowtest.Describe(m1), flowtest.Describe(m2))
	}
}
