package flows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

func session(h *flowtest.Harness, module storage.Module, territory string, day int, open bool, capacity int64, mapURL string) storage.Session {
	h.T.Helper()
	start := time.Date(2025, 12, day, 10, 0, 0, 0, h.Rome)
	s, err := storage.CreateSession(h.Ctx(), h.DB, storage.NewSession{ModuleID: module.ID, Territory: territory, StartsAt: start,
		EndsAt: start.Add(2 * time.Hour), Place: "Casa del Quartiere, via Padova 36", MapURL: mapURL, OpenEnrolment: open, Capacity: capacity}, h.Clock.Now())
	if err != nil {
		h.T.Fatal(err)
	}
	return s
}

func labModule(h *flowtest.Harness, lab, module string) storage.Module {
	h.T.Helper()
	l, err := storage.CreateLab(h.Ctx(), h.DB, lab, "", 0, h.Clock.Now())
	if err != nil {
		h.T.Fatal(err)
	}
	m, err := storage.CreateModule(h.Ctx(), h.DB, l.ID, module, h.Clock.Now())
	if err != nil {
		h.T.Fatal(err)
	}
	return m
}

func TestRSVPChangeableUntilTheSessionStarts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := withPlanner(h)
	tutor, tchat := tutorOf(h)
	c, b := member(h, "en", tutor.ID)
	m := labModule(h, "Cooking together", "Italian recipes")
	mine := session(h, m, "MI", 3, false, 0, "https://maps.example.org/?q=via+Padova+36")
	if _, err := storage.Enrol(h.Ctx(), h.DB, mine.ID, b.ID, tutor.ID, h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	c.Send("/labs")
	c.Expect("Your sessions:", "Cooking together", "Wednesday 3 December, 10:00")
	c.Tap("Cooking")
	c.Expect("Italian recipes", "Wednesday 3 December, 10:00", "via Padova 36", "Will you come?")
	if b := expectButton(t, c, "Map"); b.URL != "https://maps.example.org/?q=via+Padova+36" {
		t.Fatalf("map button %+v", b)
	}
	c.Tap("I will come")
	c.Expect("See you there", "You said you will come")
	yes := fmt.Sprintf("lr:%d:yes", mine.ID)
	c.Press(yes) // twice
	c.Expect("already saved")
	if len(rec.sessions) != 1 {
		t.Fatalf("re-planned %v", rec.sessions)
	}
	c.Tap("I can't come")
	c.Expect("Thank you for telling us", "Your tutor has been told", "You said you cannot come")
	alerts := tchat.Inbox()
	if len(alerts) != 1 || !strings.Contains(alerts[0].Text, b.Code) || !strings.Contains(alerts[0].Text, "Cooking together, mercoledì 3 dicembre, 10:00") {
		t.Fatalf("rsvp alert = %s", flowtest.Describe(alerts))
	}
	c.Tap("I will come") // changed their mind again
	if en, _ := storage.EnrolmentOf(h.Ctx(), h.DB, mine.ID, b.ID); en.RSVP.String != "yes" {
		t.Fatalf("rsvp %q", en.RSVP.String)
	}
	if len(rec.sessions) != 3 {
		t.Fatalf("re-planned %v", rec.sessions)
	}
	// Once the session has started the answer stays.
	h.Clock.Set(mine.StartsAt.Add(time.Minute))
	c.Press(fmt.Sprintf("lr:%d:no", mine.ID))
	c.Expect("too late")
	if en, _ := storage.EnrolmentOf(h.Ctx(), h.DB, mine.ID, b.ID); en.RSVP.String != "yes" {
		t.Fatalf("rsvp changed after the start: %q", en.RSVP.String)
	}
	if len(tchat.Inbox()) != 0 {
		t.Fatal("an alert after the start")
	}
}

func TestEnrolInAnOpenSessionOfTheTerritory(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := withPlanner(h)
	c, b := member(h, "en", 0)
	other, _ := member(h, "en", 0)
	m := labModule(h, "Digital skills", "Using SPID")
	open := session(h, m, "MI", 5, true, 1, "")
	bologna := session(h, m, "BO", 5, true, 0, "")
	closed := session(h, m, "MI", 6, false, 0, "")
	c.Send("/labs")
	c.Expect("You can join:", "Digital skills", "Friday 5 December, 10:00")
	if strings.Count(flowtest.Texts(c.Last), "Digital skills") != 1 {
		t.Fatalf("sessions of another territory or closed ones listed:\n%s", flowtest.Texts(c.Last))
	}
	c.Tap("Digital")
	c.Expect("You can join this session")
	c.Tap("Join")
	c.Expect("You have joined the session", "Will you come?")
	if _, err := storage.EnrolmentOf(h.Ctx(), h.DB, open.ID, b.ID); err != nil {
		t.Fatalf("not enrolled: %v", err)
	}
	if len(rec.sessions) != 1 || rec.sessions[0] != open.ID {
		t.Fatalf("re-planned %v", rec.sessions)
	}
	c.Press(fmt.Sprintf("le:%d", open.ID))
	c.Expect("already joined")
	// The session is full now: another beneficiary no longer sees it, and an old button says so.
	other.Send("/labs")
	other.Expect("no lab sessions")
	other.Press(fmt.Sprintf("le:%d", open.ID))
	other.Expect("cannot join")
	// Sessions of another territory, closed ones and unknown ids cannot be opened or joined.
	for _, data := range []string{fmt.Sprintf("ls:%d", bologna.ID), fmt.Sprintf("le:%d", bologna.ID), fmt.Sprintf("ls:%d", closed.ID),
		fmt.Sprintf("le:%d", closed.ID), fmt.Sprintf("lr:%d:yes", closed.ID), "ls:999999", "lr:x"} {
		c.Press(data)
		c.Expect("That button is old")
	}
	if n := count(h, `SELECT COUNT(*) FROM enrolments WHERE beneficiary_id = ?`, b.ID); n != 1 {
		t.Fatalf("%d enrolments", n)
	}
}
