package demo_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/bot/scheduler"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// The demo's invented people have no chat until a visitor speaks as one of them: a demo start
// plans no reminder, digest or check-in for them (none is dropped as "unreachable"), and once
// a persona is picked what is still ahead for them is planned.
func TestADemoStartPlansNoReminderForTheUnreachable(t *testing.T) {
	db, _ := storagetest.Postgres(t)
	ctx := context.Background()
	d, _ := seed(t, db, storagetest.Redis(t))
	rome, _ := time.LoadLocation("Europe/Rome")
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := scheduler.DefaultConfig()
	cfg.Location = rome
	planner := scheduler.NewPlanner(cfg)
	dom := domain.New(domain.Deps{Notifier: notify.New(cat), Planner: planner, Location: rome})
	clk := clock.NewFake(now) // a Tuesday, after the digests' time
	s := scheduler.New(scheduler.Deps{DB: db, Domain: dom, Clock: clk, Config: cfg})
	tick := func() {
		t.Helper()
		if _, err := s.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The demo start, then a day of the scheduler's passes.
	for range 4 {
		tick()
		clk.Advance(6 * time.Hour)
	}
	var rows []struct {
		Kind   string `db:"kind"`
		Status string `db:"status"`
		Reason string `db:"reason"`
	}
	if err := db.Select(ctx, &rows, `SELECT kind, status, COALESCE(reason, '') AS reason FROM reminders
WHERE kind IN ('session', 'step_due', 'checkin', 'digest') OR reason = 'unreachable' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 0 {
		t.Fatalf("a demo start planned reminders for people nobody speaks as: %+v", rows)
	}

	// A visitor picks the person with a job interview the day after tomorrow, and their tutor.
	var person struct {
		ID    int64 `db:"beneficiary_id"`
		Tutor int64 `db:"tutor_id"`
	}
	if err := db.Get(ctx, &person, `SELECT s.beneficiary_id, b.tutor_id FROM plan_steps s JOIN beneficiaries b ON b.id = s.beneficiary_id
WHERE s.step_key = 'colloquio' AND s.status = 'todo'`); err != nil {
		t.Fatal(err)
	}
	clk.Set(now)
	if _, err := d.Link(ctx, db, "beneficiary-"+strconv.FormatInt(person.ID, 10), "chat-b", now); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Link(ctx, db, "staff-"+strconv.FormatInt(person.Tutor, 10), "chat-t", now); err != nil {
		t.Fatal(err)
	}
	tick()
	var planned []storage.Reminder
	if err := db.Select(ctx, &planned, `SELECT id, kind, target_key, offset_key, beneficiary_id, staff_id, session_id, step_id,
broadcast_id, due_at, event_at, status, reason, created_at, processed_at, deferred FROM reminders
WHERE kind IN ('step_due', 'digest') ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, r := range planned {
		if (r.BeneficiaryID.Valid && r.BeneficiaryID.Int64 != person.ID) || (r.StaffID.Valid && r.StaffID.Int64 != person.Tutor) {
			t.Errorf("a reminder for someone nobody speaks as: %+v", r)
		}
		kinds[r.Kind] = true
	}
	if !kinds[storage.ReminderStepDue] || !kinds[storage.ReminderDigest] {
		t.Fatalf("once picked, the person's step reminder and the tutor's digest are planned: %+v", planned)
	}
}
