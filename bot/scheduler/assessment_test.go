package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// TestSelfAssessmentRounds: an hour after the research consent the person gets the first of
// five questions, one per message; each answer (or "prefer not to say") brings the next; an
// old button after the round is over records nothing; three months later the next round waits
// for the end of quiet hours; two replicas ask it once; without the research consent nothing
// is asked.
func TestSelfAssessmentRounds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	b, chat := f.person("en")
	consent := func(yes bool) {
		t.Helper()
		cur, err := storage.BeneficiaryByID(ctx, f.h.DB, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.h.DB.InTx(ctx, func(tx *storage.Tx) error {
			return f.h.Domain.SetOptionalConsent(ctx, tx, f.h.Clock.Now(), domain.Actor{Beneficiary: &cur}, storage.ConsentResearch, yes)
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Monday 1 December 2025, 10:00: research consent given (again) now.
	consent(false)
	consent(true)
	f.setClock(f.at(2025, 12, 1, 10, 59))
	f.tick()
	if msgs := chat.Inbox(); len(msgs) != 0 {
		t.Fatalf("asked before the hour: %s", flowtest.Describe(msgs))
	}
	f.setClock(f.at(2025, 12, 1, 11, 0))
	f.tick()
	first := expectOne(t, chat.Inbox(), "5 questions", "1/5", "pay your rent")
	if n := len(first.AllButtons()); n != 7 {
		t.Fatalf("%d buttons, want the 1-5 scale, prefer not to say and skip", n)
	}
	old, _ := flowtest.FindButton([]botOutgoing{first}, "4 🙂")

	msgs := chat.Press(old.Data)
	for i, want := range []string{"2/5", "3/5", "4/5", "5/5"} {
		q := expectOne(t, msgs, want)
		if strings.Contains(q.Text, "5 questions") {
			t.Fatalf("question %d repeats the introduction", i+2)
		}
		label := "3 😐"
		if i == 0 {
			label = "Prefer not to say"
		}
		btn, ok := flowtest.FindButton(msgs, label)
		if !ok {
			t.Fatalf("no %q on %s", label, flowtest.Describe(msgs))
		}
		msgs = chat.Press(btn.Data)
	}
	expectOne(t, msgs, "Thank you")
	var answered, declined int
	_ = f.h.DB.Get(ctx, &answered, `SELECT COUNT(*) FROM assessment_answers`)
	_ = f.h.DB.Get(ctx, &declined, `SELECT COUNT(*) FROM assessment_answers WHERE score IS NULL`)
	if answered != 5 || declined != 1 {
		t.Fatalf("%d answers (%d declined), want 5 (1)", answered, declined)
	}
	expectOne(t, chat.Press(old.Data), "closed")
	_ = f.h.DB.Get(ctx, &answered, `SELECT COUNT(*) FROM assessment_answers`)
	if answered != 5 {
		t.Fatal("an old button recorded an answer")
	}

	// Ninety-one days later, at 23:00: quiet hours. Two replicas sweep at once.
	other, _ := f.newScheduler(nil)
	f.setClock(f.at(2026, 3, 2, 23, 0))
	var wg sync.WaitGroup
	for _, s := range []interface {
		Tick(context.Context) (int, error)
	}{f.s, other} {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = s.Tick(ctx) }()
	}
	wg.Wait()
	if msgs := chat.Inbox(); len(msgs) != 0 {
		t.Fatalf("asked during quiet hours: %s", flowtest.Describe(msgs))
	}
	f.setClock(f.at(2026, 3, 3, 8, 0))
	f.tick()
	_, _ = other.Tick(ctx)
	q := expectOne(t, questions(chat.Inbox()), "1/5") // a check-in (silent 91 days) comes too
	skip, _ := flowtest.FindButton([]botOutgoing{q}, "Skip")
	expectOne(t, chat.Press(skip.Data), "no more questions")
	var rounds int
	_ = f.h.DB.Get(ctx, &rounds, `SELECT COUNT(*) FROM assessment_rounds`)
	if rounds != 2 {
		t.Fatalf("%d rounds, want 2", rounds)
	}

	// Without the research consent: nothing more.
	consent(false)
	f.setClock(f.at(2026, 6, 3, 10, 0))
	f.tick()
	if msgs := questions(chat.Inbox()); len(msgs) != 0 {
		t.Fatalf("asked without the research consent: %s", flowtest.Describe(msgs))
	}
	if got := fmt.Sprint(f.statuses(storage.ReminderAssessment)); got != "map[sent:2]" {
		t.Fatalf("assessment reminders %s", got)
	}
}

// questions are the self-assessment's questions among msgs.
func questions(msgs []botOutgoing) []botOutgoing {
	var out []botOutgoing
	for _, m := range msgs {
		if strings.Contains(m.Text, "/5 ") {
			out = append(out, m)
		}
	}
	return out
}

// TestSelfAssessmentAtClosing: closing the case of someone who gives the research consent asks
// the questions once more, ten minutes later; the closed person can answer that round.
func TestSelfAssessmentAtClosing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	b, chat := f.person("en")
	tutor := f.tutor
	if err := f.h.DB.InTx(ctx, func(tx *storage.Tx) error {
		_, err := f.h.Domain.CloseCase(ctx, tx, f.h.Clock.Now(), domain.Actor{Staff: &tutor}, b, storage.ExitAutonomy, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	chat.Inbox() // the closing notice
	f.setClock(f.h.Clock.Now().Add(10 * time.Minute))
	f.tick()
	q := expectOne(t, questions(chat.Inbox()), "1/5")
	btn, _ := flowtest.FindButton([]botOutgoing{q}, "5 😀")
	expectOne(t, chat.Press(btn.Data), "2/5")
	var reason string
	if err := f.h.DB.Get(ctx, &reason, `SELECT reason FROM assessment_rounds`); err != nil || reason != storage.AssessmentClosing {
		t.Fatalf("round reason %q %v", reason, err)
	}
}
