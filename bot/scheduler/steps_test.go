package scheduler_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot/scheduler"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// TestStepReminderAndOverdueAlert: the day before a step is due, at 09:00, its beneficiary is
// reminded (even after STOP: it is their own plan), without naming a psychological-support
// step; three days after, the tutor is alerted about the steps still not done.
func TestStepReminderAndOverdueAlert(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tutorChat := f.h.Telegram()
	f.h.LinkStaff(tutorChat, f.tutor)
	b, chat := f.person("en")
	now := f.h.Clock.Now()
	if err := storage.SetAnnouncementsStopped(ctx, f.h.DB, b.ID, &now); err != nil {
		t.Fatal(err)
	}
	cv := f.step(b, storage.NewStep{Area: storage.AreaWork, Title: "Bring your CV to the job centre", DueDate: "2025-12-03"})
	psy := f.step(b, storage.NewStep{Area: storage.AreaPsych, Title: "Appointment with Dr Rossi", DueDate: "2025-12-03"})
	keyed := f.step(b, storage.NewStep{Area: storage.AreaWork, StepKey: "patto_servizio", DueDate: "2025-12-03"})
	f.step(b, storage.NewStep{Area: storage.AreaSocial, Title: "No date"})

	want := []string{"Tue 02 Dec 09:00", "Tue 02 Dec 09:00", "Tue 02 Dec 09:00"}
	if got := dueTimes(f, storage.ReminderStepDue); !slices.Equal(got, want) {
		t.Fatalf("step reminders at %v, want %v", got, want)
	}
	if got := dueTimes(f, storage.ReminderStepOverdue); !slices.Equal(got, []string{"Sat 06 Dec 09:00", "Sat 06 Dec 09:00", "Sat 06 Dec 09:00"}) {
		t.Fatalf("overdue alerts at %v", got)
	}

	f.setClock(f.at(2025, 12, 2, 8, 59))
	f.tick()
	if msgs := ofKind(chat.Inbox(), scheduler.TemplateStepReminder); len(msgs) != 0 {
		t.Fatal("step reminder before 09:00")
	}
	f.setClock(f.at(2025, 12, 2, 9, 0))
	f.tick()
	msgs := ofKind(chat.Inbox(), scheduler.TemplateStepReminder)
	if len(msgs) != 3 {
		t.Fatalf("%d step reminders, want 3:\n%s", len(msgs), flowtest.Describe(msgs))
	}
	all := flowtest.Texts(msgs)
	if !strings.Contains(all, "«Bring your CV to the job centre» of your plan is due by Wednesday 3 December") {
		t.Fatalf("no reminder of the CV step:\n%s", all)
	}
	for _, leak := range []string{"Rossi", "patto_servizio", "steps."} {
		if strings.Contains(all, leak) {
			t.Fatalf("reminders show %q:\n%s", leak, all)
		}
	}
	if n := strings.Count(all, "a step of your plan is due by Wednesday 3 December"); n != 1 {
		t.Fatalf("%d generic reminders, want 1 (the psychological-support step):\n%s", n, all)
	}
	if !strings.Contains(all, "«Patto di servizio (job centre agreement)»") {
		t.Fatalf("the catalogue step is not named by its title:\n%s", all)
	}
	for _, m := range msgs {
		if len(m.Template.Params) != 2 || m.Template.Params[1] != "Wednesday 3 December" || strings.Contains(m.Template.Params[0], "Rossi") {
			t.Fatalf("template params %v", m.Template.Params)
		}
	}

	// The CV step is done; the psychological one moves to next week: neither is overdue.
	f.stepChange(cv.ID, func(ctx context.Context, tx *storage.Tx) error {
		_, err := storage.SetStepStatus(ctx, tx, cv.ID, storage.StepDone, storage.Actor{Kind: storage.ActorBeneficiary, ID: b.ID}, f.h.Clock.Now())
		return err
	})
	f.stepChange(psy.ID, func(ctx context.Context, tx *storage.Tx) error {
		_, err := storage.SetStepDue(ctx, tx, psy.ID, "2025-12-12", storage.Actor{Kind: storage.ActorStaff, ID: f.tutor.ID}, f.h.Clock.Now())
		return err
	})
	st := f.statuses(storage.ReminderStepOverdue)
	if st["cancelled/done"] != 1 || st["cancelled/moved"] != 1 || st["pending"] != 2 {
		t.Fatalf("overdue alerts after the changes: %v", st)
	}
	if got := dueTimes(f, storage.ReminderStepDue); !slices.Equal(got, []string{"Thu 11 Dec 09:00"}) {
		t.Fatalf("pending step reminders %v", got)
	}

	f.setClock(f.at(2025, 12, 6, 9, 0))
	f.tick()
	tutorChat.Last = tutorChat.Inbox()
	tutorChat.Expect(b.Code + " ha un passo in ritardo: Patto di servizio (scadenza mercoledì 3 dicembre)")
	if len(tutorChat.Last) != 1 {
		t.Fatalf("tutor got %d messages:\n%s", len(tutorChat.Last), flowtest.Describe(tutorChat.Last))
	}
	alerts, err := storage.OpenAlerts(ctx, f.h.DB, f.tutor.ID)
	if err != nil || len(alerts) != 1 || alerts[0].Kind != storage.AlertStepOverdue || alerts[0].RefID.Int64 != keyed.ID {
		t.Fatalf("alerts %+v %v", alerts, err)
	}
	f.setClock(f.at(2025, 12, 6, 10, 0))
	f.tick()
	if msgs := tutorChat.Inbox(); len(msgs) != 0 {
		t.Fatalf("alerted twice:\n%s", flowtest.Describe(msgs))
	}
}

func dueTimes(f *fixture, kind string) []string {
	var out []string
	for _, r := range f.reminders(kind) {
		if r.Status == storage.ReminderPending {
			out = append(out, r.DueAt.In(f.h.Rome).Format("Mon 02 Jan 15:04"))
		}
	}
	return out
}
