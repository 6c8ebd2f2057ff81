package desk_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// A tutor's People page lists their caseload only, with each person's figures, and filters it.
func TestPeopleListsMyCaseloadWithItsFigures(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		mine := caseload(t, h, tutor)
		theirs := caseload(t, h, h.staff(storage.RoleTutor, "MI", "active", "en", "Sara Lodi"))
		b := h.browser("en")
		b.signIn(h.link(tutor.ID))
		p := b.get("/desk/people")
		if p.status != http.StatusOK {
			t.Fatalf("People: %d\n%s", p.status, p.body)
		}
		text := visible(p.body)
		for _, want := range []string{
			h.text("en", "desk.home.caseload_mine"), "3 people",
			mine[0].Code + " Amina Français 0/2 1 " + h.text("en", "desk.people.never") + " " + h.text("en", "desk.status.active"),
			mine[2].Code + " Amina Français 0/0 0 " + h.text("en", "desk.people.never") + " " + h.text("en", "desk.status.invited"),
		} {
			if !strings.Contains(text, want) {
				t.Fatalf("People lacks %q:\n%s", want, text)
			}
		}
		for _, other := range theirs {
			if strings.Contains(text, other.Code) {
				t.Fatalf("a tutor sees another tutor's person %s", other.Code)
			}
		}
		if strings.Contains(p.body, `name="tutor"`) || strings.Contains(p.body, `name="territory"`) {
			t.Fatal("a tutor is offered to filter on other tutors or territories")
		}
		text = visible(b.get("/desk/people?overdue=1").body)
		if !strings.Contains(text, mine[0].Code) || strings.Contains(text, mine[1].Code) || !strings.Contains(text, "1 person") {
			t.Fatalf("only overdue:\n%s", text)
		}
		text = visible(b.get("/desk/people?status=invited&sort=nonsense&lang=xx").body)
		if !strings.Contains(text, mine[2].Code) || strings.Contains(text, mine[0].Code) {
			t.Fatalf("only invited:\n%s", text)
		}
		// A forged tutor filter does not widen a tutor's view.
		text = visible(b.get("/desk/people?tutor=999&territory=BO").body)
		if !strings.Contains(text, "3 people") {
			t.Fatalf("a tutor's forged filter:\n%s", text)
		}
	})
}

// A coordinator sees their territory, can filter on a tutor, and pages through 50 at a time.
func TestPeopleOfACoordinatorFilterAndPage(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	marco := h.staff(storage.RoleTutor, "MI", "active", "it", "Marco Bassi")
	sara := h.staff(storage.RoleTutor, "MI", "active", "it", "Sara Lodi")
	caseload(t, h, marco)
	saras := caseload(t, h, sara)
	bologna := caseload(t, h, h.staff(storage.RoleTutor, "BO", "active", "it", "Anna Neri"))
	ctx := context.Background()
	for range 52 {
		if _, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "ar", TutorID: marco.ID}, t0); err != nil {
			t.Fatal(err)
		}
	}
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Ferri")
	b := h.browser("it")
	b.signIn(h.link(coord.ID))
	p := b.get("/desk/people")
	text := visible(p.body)
	if !strings.Contains(text, "58 persone") || !strings.Contains(text, h.text("it", "desk.people.page", "Page", 1, "Pages", 2)) ||
		strings.Contains(text, bologna[0].Code) || !strings.Contains(p.body, `rel="next"`) {
		t.Fatalf("a coordinator's first page:\n%s", text)
	}
	if n := strings.Count(p.body, `<tr>`) - 1; n != 50 {
		t.Fatalf("%d rows on a page", n)
	}
	text = visible(b.get("/desk/people?page=2").body)
	if !strings.Contains(text, h.text("it", "desk.people.page", "Page", 2, "Pages", 2)) {
		t.Fatalf("second page:\n%s", text)
	}
	text = visible(b.get("/desk/people?tutor=" + strconv.FormatInt(sara.ID, 10)).body)
	if !strings.Contains(text, "3 persone") || !strings.Contains(text, saras[0].Code) {
		t.Fatalf("Sara's people:\n%s", text)
	}
	text = visible(b.get("/desk/people?lang=ar").body)
	if !strings.Contains(text, "52 persone") {
		t.Fatalf("Arabic speakers:\n%s", text)
	}
}

// A person's page shows their plan by area, the conversation with the tutor both ways and
// their alerts; a person of another caseload is a 404, audited, even to guess a code.
func TestAPersonsPageAndItsScope(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		mine := caseload(t, h, tutor)
		other := caseload(t, h, h.staff(storage.RoleTutor, "MI", "active", "en", "Sara Lodi"))
		ctx := context.Background()
		for i, m := range []storage.NewConversationMessage{
			{BeneficiaryID: mine[0].ID, StaffID: tutor.ID, Direction: storage.ToTutor, Body: "I found a room <b>in via Padova</b>"},
			{BeneficiaryID: mine[0].ID, StaffID: tutor.ID, Direction: storage.ToPerson, Body: "Well done! Send me the address."},
			{BeneficiaryID: mine[0].ID, StaffID: tutor.ID, Direction: storage.ToTutor, MediaKind: "voice"},
		} {
			if _, err := storage.AppendConversation(ctx, db, m, t0.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		h.clock.Set(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
		b := h.browser("en")
		b.signIn(h.link(tutor.ID))
		p := b.get("/desk/people/" + mine[0].Code)
		if p.status != http.StatusOK {
			t.Fatalf("person: %d\n%s", p.status, p.body)
		}
		text := visible(p.body)
		for _, want := range []string{
			"Amina " + mine[0].Code, "Marco Bassi",
			h.text("en", "area.housing"), "Visit a room", h.text("en", "desk.person.overdue"),
			h.text("en", "area.work"), h.text("en", "steps.curriculum.title"),
			mine[0].Code + " " + h.text("en", "date.format.datetime", "Weekday", "Tuesday", "Day", 1, "Month", "December", "Time", "10:00") + " I found a room &lt;b&gt;in via Padova&lt;/b&gt;",
			h.text("en", "desk.person.tutor_wrote") + " " + h.text("en", "date.format.datetime", "Weekday", "Tuesday", "Day", 1, "Month", "December", "Time", "10:01") + " Well done! Send me the address.",
			h.text("en", "desk.person.file"),
			h.text("en", "desk.alert.step_help"),
		} {
			if !strings.Contains(text, want) {
				t.Fatalf("the person's page lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(p.body, "<b>in via Padova</b>") {
			t.Fatal("a person's text is written into the page as HTML")
		}
		for _, code := range []string{other[0].Code, "MI-999", "%00", "MI-001%27%20OR%201=1", strings.Repeat("9", 5000)} {
			p := b.get("/desk/people/" + code)
			if p.status != http.StatusNotFound {
				t.Fatalf("%s: %d, want 404", code, p.status)
			}
		}
		denied := h.audit("desk.person", storage.OutcomeDenied)
		if len(denied) != 5 {
			t.Fatalf("%d out-of-scope attempts audited, want 5: %+v", len(denied), denied)
		}
		// By internal id, never by code: erasure leaves the id meaningless.
		if last := denied[len(denied)-1]; last.TargetID != strconv.FormatInt(other[0].ID, 10) {
			t.Fatalf("the attempt on another tutor's person names %q", last.TargetID)
		}
		for _, e := range denied {
			if strings.Contains(e.TargetID+e.Detail, "MI-") {
				t.Fatalf("the audit log names a code: %+v", e)
			}
		}
	})
}
