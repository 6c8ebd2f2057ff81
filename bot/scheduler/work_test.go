package scheduler_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot/scheduler"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// TestCheckinOncePerSilence: a beneficiary silent for 14 days gets one gentle check-in with a
// way to their tutor; after writing again, a new silence gets a new one, never at night.
// Someone who said STOP is not checked on.
func TestCheckinOncePerSilence(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	b, chat := f.person("en")
	stopped, stoppedChat := f.person("en")
	now := f.h.Clock.Now() // Monday 1 December, 10:00: both onboarded, silent since
	if err := storage.SetAnnouncementsStopped(ctx, f.h.DB, stopped.ID, &now); err != nil {
		t.Fatal(err)
	}
	f.setClock(f.at(2025, 12, 15, 9, 59))
	f.tick()
	if msgs := ofKind(chat.Inbox(), scheduler.TemplateCheckin); len(msgs) != 0 {
		t.Fatal("check-in before 14 days")
	}
	f.setClock(f.at(2025, 12, 15, 10, 0))
	f.tick()
	msg := expectOne(t, ofKind(chat.Inbox(), scheduler.TemplateCheckin), "How are you?")
	if btn, ok := flowtest.FindButton([]botOutgoing{msg}, "tutor"); !ok || btn.Data != notify.Data(notify.ButtonMyTutor) {
		t.Fatalf("no button to the tutor:\n%s", flowtest.Describe([]botOutgoing{msg}))
	}
	if msgs := stoppedChat.Inbox(); len(msgs) != 0 {
		t.Fatalf("check-in after STOP:\n%s", flowtest.Describe(msgs))
	}
	f.setClock(f.at(2025, 12, 16, 10, 0))
	f.tick()
	if msgs := chat.Inbox(); len(msgs) != 0 {
		t.Fatalf("second check-in in the same silence:\n%s", flowtest.Describe(msgs))
	}

	// They write on the 16th at 22:30; fourteen days later it is night: the check-in waits.
	if err := storage.TouchBeneficiary(ctx, f.h.DB, b.ID, f.at(2025, 12, 16, 22, 30)); err != nil {
		t.Fatal(err)
	}
	f.setClock(f.at(2025, 12, 30, 22, 30))
	f.tick()
	if msgs := chat.Inbox(); len(msgs) != 0 {
		t.Fatalf("check-in at night:\n%s", flowtest.Describe(msgs))
	}
	f.setClock(f.at(2025, 12, 31, 8, 0))
	f.tick()
	expectOne(t, ofKind(chat.Inbox(), scheduler.TemplateCheckin), "How are you?")
	if st := f.statuses(storage.ReminderCheckin); st["sent"] != 2 || len(st) != 1 {
		t.Fatalf("check-ins %v", st)
	}
}

// TestDigest: on working days at DIGEST_TIME each tutor with something to say gets one digest
// (overdue steps, open alerts, today's sessions with answers, silent people); a tutor with
// nothing to say gets none; weekends have none.
func TestDigest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tutorChat := f.h.Telegram()
	f.h.LinkStaff(tutorChat, f.tutor)
	idle := f.h.NewStaff(storage.RoleTutor, "MI", "Marco")
	idleChat := f.h.Telegram()
	f.h.LinkStaff(idleChat, idle)

	late, _ := f.person("en")
	coming, _ := f.person("en")
	notComing, _ := f.person("en")
	silent, _ := f.person("en")
	f.step(late, storage.NewStep{Area: storage.AreaDocuments, Title: "Codice fiscale", DueDate: "2025-11-28"})
	if _, err := storage.CreateAlert(ctx, f.h.DB, f.tutor.ID, late.ID, storage.AlertMessage, 0, f.h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	s := f.session(f.at(2025, 12, 16, 15, 0), "")
	f.enrol(s, late, coming, notComing)
	f.rsvp(s, coming, notify.RSVPYes)
	f.rsvp(s, notComing, notify.RSVPNo)
	for _, b := range []storage.Beneficiary{late, coming, notComing} {
		if err := storage.TouchBeneficiary(ctx, f.h.DB, b.ID, f.at(2025, 12, 15, 18, 0)); err != nil {
			t.Fatal(err)
		}
	}

	f.setClock(f.at(2025, 12, 16, 8, 29)) // Tuesday
	f.tick()
	if msgs := tutorChat.Inbox(); len(msgs) != 0 {
		t.Fatalf("digest before 08:30:\n%s", flowtest.Describe(msgs))
	}
	f.setClock(f.at(2025, 12, 16, 8, 30))
	f.tick()
	tutorChat.Last = tutorChat.Inbox()
	if len(tutorChat.Last) != 1 {
		t.Fatalf("%d digests:\n%s", len(tutorChat.Last), flowtest.Describe(tutorChat.Last))
	}
	tutorChat.Expect("Buongiorno! Il tuo riepilogo di martedì 16 dicembre.",
		"⏰ 1 passo in ritardo:\n• "+late.Code+": Codice fiscale (scadenza venerdì 28 novembre)",
		"🔔 1 segnalazione aperta:\n• "+late.Code+": 1 segnalazione",
		"📚 Sessioni di oggi:\n• 15:00 LabIn Lavoro — Il curriculum, Via Padova 36, Milano",
		"✅ "+coming.Code+" viene", "❌ "+notComing.Code+" non viene", "❔ "+late.Code+" non ha risposto",
		"💤 1 persona non scrive da 14 giorni o più:\n• "+silent.Code+", ultimo messaggio lunedì 1 dicembre")
	if strings.Contains(flowtest.Texts(tutorChat.Last), "+39") {
		t.Fatal("digest shows a phone number")
	}
	if msgs := idleChat.Inbox(); len(msgs) != 0 {
		t.Fatalf("digest with nothing to say:\n%s", flowtest.Describe(msgs))
	}
	if st := f.statuses(storage.ReminderDigest); st["sent"] != 1 || st["dropped/empty"] != 1 {
		t.Fatalf("digests %v", st)
	}

	f.setClock(f.at(2025, 12, 16, 17, 0))
	f.tick()
	if msgs := tutorChat.Inbox(); len(msgs) != 0 {
		t.Fatalf("second digest the same day:\n%s", flowtest.Describe(msgs))
	}
	f.setClock(f.at(2025, 12, 17, 8, 30))
	f.tick()
	expectOne(t, tutorChat.Inbox(), "mercoledì 17 dicembre", "Codice fiscale")

	for _, d := range []int{20, 21} { // Saturday, Sunday
		f.setClock(f.at(2025, 12, d, 9, 0))
		f.tick()
	}
	if msgs := tutorChat.Inbox(); len(msgs) != 0 {
		t.Fatalf("digest at the weekend:\n%s", flowtest.Describe(msgs))
	}
	if st := f.statuses(storage.ReminderDigest); st["sent"]+st["dropped/empty"] != 4 {
		t.Fatalf("digests planned: %v, want two tutors on two working days", st)
	}
}

// fakeStarter stands for the flows engine's StartBroadcast: it moves the broadcast to sending in
// the scheduler's transaction, or fails.
type fakeStarter struct {
	mu    sync.Mutex
	calls []int64
	fail  error
}

func (s *fakeStarter) StartBroadcast(ctx context.Context, q storage.Queryer, id int64, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, id)
	if s.fail != nil {
		return s.fail
	}
	_, err := storage.TransitionBroadcast(ctx, q, id, storage.BroadcastScheduled, storage.BroadcastSending, now)
	return err
}

// TestScheduledBroadcasts: a scheduled broadcast starts once, at its time; one cancelled or
// failing is dropped, not retried forever; without a starter the scheduler leaves them be.
func TestScheduledBroadcasts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	coord := f.h.NewStaff(storage.RoleCoordinator, "MI", "Anna")
	at := f.at(2025, 12, 2, 10, 0)
	schedule := func() storage.Broadcast {
		bc, err := storage.CreateBroadcast(ctx, f.h.DB, coord.ID, "territory:MI", "Hello", 0, f.h.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := storage.TransitionBroadcast(ctx, f.h.DB, bc.ID, storage.BroadcastDraft, storage.BroadcastScheduled, at); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if err := storage.PlanBroadcast(ctx, f.h.DB, bc.ID, at, f.h.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		return bc
	}
	ok, cancelled := schedule(), schedule()
	if _, err := storage.TransitionBroadcast(ctx, f.h.DB, cancelled.ID, storage.BroadcastScheduled, storage.BroadcastCancelled, at); err != nil {
		t.Fatal(err)
	}
	starter := &fakeStarter{}
	s, _ := f.newScheduler(starter)

	f.setClock(at.Add(-time.Minute))
	f.tick() // without a starter
	if _, err := s.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if len(starter.calls) != 0 {
		t.Fatal("started early")
	}
	f.setClock(at)
	f.tick()
	if st := f.statuses(storage.ReminderBroadcast); st["pending"] != 2 {
		t.Fatalf("a scheduler without a starter touched broadcasts: %v", st)
	}
	for range 2 {
		if _, err := s.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(starter.calls) != 1 || starter.calls[0] != ok.ID {
		t.Fatalf("StartBroadcast calls %v, want [%d]", starter.calls, ok.ID)
	}
	if bc, _ := storage.BroadcastByID(ctx, f.h.DB, ok.ID); bc.Status != storage.BroadcastSending {
		t.Fatalf("broadcast %s, want sending (started in the scheduler's transaction)", bc.Status)
	}
	if st := f.statuses(storage.ReminderBroadcast); st["sent"] != 1 || st["dropped/broadcast_cancelled"] != 1 {
		t.Fatalf("broadcast reminders %v", st)
	}

	broken := schedule()
	starter.fail = errors.New("audience unknown")
	if _, err := s.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if st := f.statuses(storage.ReminderBroadcast); st["dropped/error"] != 1 {
		t.Fatalf("failing broadcast: %v", st)
	}
	if bc, _ := storage.BroadcastByID(ctx, f.h.DB, broken.ID); bc.Status != storage.BroadcastScheduled {
		t.Fatalf("failed start left the broadcast %s", bc.Status)
	}
}

// TestHousekeepingOnceADay: inbound update ids older than seven days are forgotten, once a day.
func TestHousekeepingOnceADay(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mark := func(id string, at time.Time) {
		if _, err := storage.MarkProcessed(ctx, f.h.DB, "telegram", id, at); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		var n int
		if err := f.h.DB.Get(ctx, &n, `SELECT COUNT(*) FROM processed_updates`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	now := f.h.Clock.Now()
	mark("old", now.Add(-8*24*time.Hour))
	mark("recent", now.Add(-6*24*time.Hour))
	f.tick()
	if n := count(); n != 1 {
		t.Fatalf("%d update ids left, want 1", n)
	}
	mark("old2", now.Add(-9*24*time.Hour))
	f.setClock(now.Add(time.Hour))
	f.tick()
	if n := count(); n != 2 {
		t.Fatalf("purged twice the same day: %d left", n)
	}
	f.setClock(now.Add(25 * time.Hour))
	f.tick()
	if n := count(); n != 0 {
		t.Fatalf("next day: %d update ids left, want 0", n)
	}
}

// TestHousekeepingPurgesMessagesPastTheirRetention: delivered messages and the web chat's
// history older than MESSAGE_RETENTION go; newer ones stay.
func TestHousekeepingPurgesMessagesPastTheirRetention(t *testing.T) {
	for _, dialect := range []struct {
		name string
		opts []flowtest.Option
	}{{"postgres", nil}, {"sqlite", []flowtest.Option{flowtest.SQLite()}}} {
		t.Run(dialect.name, func(t *testing.T) {
			opts := append(dialect.opts, flowtest.WithScheduler(func(c *scheduler.Config) { c.MessageRetention = 10 * 24 * time.Hour }))
			f := newFixture(t, opts...)
			ctx := context.Background()
			now := f.h.Clock.Now()
			var ids []int64
			for _, at := range []time.Time{now.Add(-11 * 24 * time.Hour), now.Add(-9 * 24 * time.Hour)} {
				id, err := storage.Enqueue(ctx, f.h.DB, storage.NewOutboxMessage{Channel: "telegram", ChatID: "42", Kind: "reply",
					Payload: `{"text":"words"}`}, at)
				if err != nil {
					t.Fatal(err)
				}
				got, _ := storage.ClaimOutbox(ctx, f.h.DB, "s", "telegram", 0, 1, at, time.Minute)
				if len(got) != 1 || storage.MarkSent(ctx, f.h.DB, id, "s", "p", at) != nil {
					t.Fatal("not sent")
				}
				ids = append(ids, id)
				if _, err := storage.AppendWebchat(ctx, f.h.DB, "page", `{"text":"words"}`, at); err != nil {
					t.Fatal(err)
				}
			}
			f.tick()
			if _, err := storage.OutboxByID(ctx, f.h.DB, ids[0]); err == nil {
				t.Fatal("a message delivered 11 days ago is still there")
			}
			if _, err := storage.OutboxByID(ctx, f.h.DB, ids[1]); err != nil {
				t.Fatalf("a message delivered 9 days ago: %v", err)
			}
			if left, _ := storage.WebchatAfter(ctx, f.h.DB, "page", 0, 10); len(left) != 1 {
				t.Fatalf("%d web chat messages left, want 1", len(left))
			}
		})
	}
}
