package flows_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

func addStep(h *flowtest.Harness, b storage.Beneficiary, area, key, title, due string) storage.PlanStep {
	h.T.Helper()
	s, err := storage.AddStep(h.Ctx(), h.DB, storage.NewStep{BeneficiaryID: b.ID, Area: area, StepKey: key, Title: title, DueDate: due}, h.Clock.Now())
	if err != nil {
		h.T.Fatal(err)
	}
	return s
}

func TestPlanGroupedByAreaWithStatusAndDates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, b := member(h, "en", 0)
	addStep(h, b, storage.AreaDocuments, "codice_fiscale", "", "2025-12-10")
	addStep(h, b, storage.AreaHousing, "", "Call Mr Rossi about the room", "2025-11-20")
	addStep(h, b, storage.AreaWork, "did_online", "", "")
	c.Send("/plan")
	c.Expect("0 of 3 steps done", "🏠 Housing", "💼 Work", "📄 Documents",
		"Call Mr Rossi about the room", "⏰ was due Thursday 20 November", "Codice fiscale", "📅 by Wednesday 10 December", "DID")
	text := flowtest.Texts(c.Last)
	if strings.Index(text, "Housing") > strings.Index(text, "Work") || strings.Index(text, "Work") > strings.Index(text, "Documents") {
		t.Fatalf("areas out of order:\n%s", text)
	}
	c.Tap("Codice fiscale")
	c.Expect("codice fiscale is your personal tax number", "Agenzia delle Entrate", "Status: to do", "By: Wednesday 10 December")
	expectButton(t, c, "Done")
	expectButton(t, c, "I need help")
	expectButton(t, c, "Back")

	// In Italian the catalogue's Italian title and explanation are shown.
	c.Tap("Back to menu")
	c.Tap("Language")
	c.Tap("Italiano")
	c.Tap("Il mio piano")
	c.Expect("Il tuo piano", "📄 Documenti", "mercoledì 10 dicembre")
	c.Tap("Codice fiscale")
	c.Expect("numero personale per le tasse")
}

func TestStepDoneAndHelpReachTheTutorOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := withPlanner(h)
	tutor, tchat := tutorOf(h)
	c, b := member(h, "en", tutor.ID)
	s := addStep(h, b, storage.AreaDocuments, "tessera_sanitaria", "", "2025-12-15")

	c.Send("/plan")
	c.Tap("Tessera")
	c.Tap("I need help")
	c.Expect("Your tutor knows you need help")
	alerts := tchat.Inbox()
	if len(alerts) != 1 || !strings.Contains(alerts[0].Text, b.Code) || !strings.Contains(alerts[0].Text, "1. Tessera sanitaria") {
		t.Fatalf("help alert = %s", flowtest.Describe(alerts))
	}
	help := expectButton(t, c, "I need help")
	c.Press(help.Data) // a second tap while the tutor has not handled the first
	c.Expect("already knows")
	if n := len(tchat.Inbox()); n != 0 {
		t.Fatalf("a second help alert: %d", n)
	}

	done := expectButton(t, c, "Done")
	c.Press(done.Data)
	c.Expect("Well done!", "Your tutor has been told", "1 of 1 steps done")
	alerts = tchat.Inbox()
	if len(alerts) != 1 || !strings.Contains(alerts[0].Text, "segnato come fatto") || !strings.Contains(alerts[0].Text, b.Code) {
		t.Fatalf("done alert = %s", flowtest.Describe(alerts))
	}
	got, _ := storage.StepByID(h.Ctx(), h.DB, s.ID)
	if got.Status != storage.StepDone {
		t.Fatalf("status %s", got.Status)
	}
	hist, _ := storage.StepHistory(h.Ctx(), h.DB, s.ID)
	last := hist[len(hist)-1]
	if last.ActorKind != storage.ActorBeneficiary || last.ActorID.Int64 != b.ID || last.NewValue.String != storage.StepDone {
		t.Fatalf("history %+v", last)
	}
	if len(rec.steps) != 1 || rec.steps[0] != s.ID {
		t.Fatalf("reminders re-planned for %v", rec.steps)
	}
	// A double tap of Done does nothing twice.
	c.Press(done.Data)
	c.Expect("already done")
	if n := len(tchat.Inbox()); n != 0 || len(rec.steps) != 1 {
		t.Fatalf("done twice: %d alerts, %v re-plans", n, rec.steps)
	}
	if n := count(h, `SELECT COUNT(*) FROM plan_step_history WHERE step_id = ? AND field = 'status'`, s.ID); n != 1 {
		t.Fatalf("%d status changes recorded", n)
	}
}

func TestEmptyPlanSaysWhatHappensNext(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, _ := member(h, "en", 0)
	c.Send("/plan")
	c.Expect("no steps yet", "next meeting")
	expectButton(t, c, "My tutor")
}

func TestPlanPagesAndForeignSteps(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, b := member(h, "en", 0)
	_, other := member(h, "en", 0)
	for i := 1; i <= 8; i++ {
		addStep(h, b, storage.AreaSocial, "", fmt.Sprintf("Social step %d", i), "")
	}
	theirs := addStep(h, other, storage.AreaDocuments, "", "Their secret step", "")
	c.Send("/plan")
	c.Expect("(page 1 of 2)", "Social step 6")
	expectNot(t, c, "Social step 7")
	c.Tap("Next")
	c.Expect("(page 2 of 2)", "Social step 8")
	expectButton(t, c, "Previous")
	// Buttons naming another person's step, or a step that does not exist, do nothing and
	// reveal nothing.
	for _, data := range []string{
		fmt.Sprintf("ps:%d:0", theirs.ID), fmt.Sprintf("pd:%d:0", theirs.ID), fmt.Sprintf("ph:%d:0", theirs.ID),
		"ps:999999:0", "pd:abc", "pl:-5",
	} {
		c.Press(data)
		expectNot(t, c, "Their secret step")
	}
	c.Press(fmt.Sprintf("pd:%d:0", theirs.ID))
	c.Expect("That button is old")
	expectMenu(t, c)
	if got, _ := storage.StepByID(h.Ctx(), h.DB, theirs.ID); got.Status != storage.StepTodo {
		t.Fatalf("someone else's step changed to %s", got.Status)
	}
	c.Press("pl:-5")
	c.Expect("(page 1 of 2)")
}

func TestHelpWithoutATutorPointsToContacts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, b := member(h, "en", 0)
	addStep(h, b, storage.AreaWork, "curriculum", "", "")
	c.Send("/plan")
	c.Tap("Curriculum")
	c.Tap("I need help")
	c.Expect("You have no tutor yet")
	expectButton(t, c, "Help")
	c.Tap("Back")
	c.Tap("Curriculum")
	c.Tap("Done")
	c.Expect("Well done!", "saved in your plan")
	expectNot(t, c, "tutor has been told")
}
