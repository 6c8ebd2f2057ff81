package desk_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// caseload gives a tutor three people (two active, one invited) with steps, one of them
// overdue, and open alerts.
func caseload(t *testing.T, h *harness, tutor storage.Staff) []storage.Beneficiary {
	t.Helper()
	ctx := context.Background()
	var out []storage.Beneficiary
	for i := range 3 {
		b, err := storage.CreateBeneficiary(ctx, h.db, storage.NewBeneficiary{Territory: tutor.Territory.String, Lang: "fr", TutorID: tutor.ID, DisplayName: "Amina"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if err := storage.MarkOnboarded(ctx, h.db, b.ID, t0); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, b)
	}
	for _, s := range []storage.NewStep{
		{BeneficiaryID: out[0].ID, Area: "housing", Title: "Visit a room", DueDate: "2026-11-20"},
		{BeneficiaryID: out[0].ID, Area: "work", StepKey: "curriculum", DueDate: "2026-12-20"},
		{BeneficiaryID: out[1].ID, Area: "documents", StepKey: "spid"},
	} {
		if _, err := storage.AddStep(ctx, h.db, s, t0); err != nil {
			t.Fatal(err)
		}
	}
	for i, kind := range []string{storage.AlertStepHelp, storage.AlertMessage, "a_kind_from_the_future"} {
		if _, err := storage.CreateAlert(ctx, h.db, tutor.ID, out[i%2].ID, kind, 0, t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	handled, err := storage.CreateAlert(ctx, h.db, tutor.ID, out[0].ID, storage.AlertOnboarded, 0, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.HandleAlert(ctx, h.db, handled.ID, tutor.ID, t0); err != nil {
		t.Fatal(err)
	}
	return out
}

var tags = regexp.MustCompile(`<[^>]+>`)

// visible is a page's text without tags, its spaces collapsed.
func visible(body string) string {
	return strings.Join(strings.Fields(tags.ReplaceAllString(body, " ")), " ")
}

func TestHomeShowsMyOpenAlertsAndMyCaseload(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		other := h.staff(storage.RoleTutor, "BO", "active", "en", "Sara Lodi")
		people := caseload(t, h, tutor)
		caseload(t, h, other)
		h.clock.Set(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))

		b := h.browser("it")
		b.signIn(h.link(tutor.ID))
		p := b.get("/desk/")
		if p.status != http.StatusOK {
			t.Fatalf("Home: %d", p.status)
		}
		text := visible(p.body)
		for _, want := range []string{
			// In the staff member's language (English), not the browser's (Italian).
			h.text("en", "desk.home.caseload_mine"),
			h.text("en", "desk.home.people") + " 3 " + h.text("en", "desk.home.people_detail", "Active", 2, "Invited", 1),
			h.text("en", "desk.home.steps") + " 0 " + h.text("en", "desk.home.steps_detail", "Total", 3),
			h.text("en", "desk.home.overdue") + " 1 " + h.text("en", "desk.home.overdue_detail", "People", 1),
			h.text("en", "desk.home.alerts") + " 3",
			// Newest first, with the code, what it is and when (Rome time).
			people[0].Code + " " + h.text("en", "desk.alert.unknown") + " " + h.text("en", "date.format.datetime", "Weekday", "Tuesday", "Day", 1, "Month", "December", "Time", "12:00"),
			people[1].Code + " " + h.text("en", "desk.alert.message") + " " + h.text("en", "date.format.datetime", "Weekday", "Tuesday", "Day", 1, "Month", "December", "Time", "11:00"),
			people[0].Code + " " + h.text("en", "desk.alert.step_help") + " " + h.text("en", "date.format.datetime", "Weekday", "Tuesday", "Day", 1, "Month", "December", "Time", "10:00"),
		} {
			if !strings.Contains(text, want) {
				t.Fatalf("Home lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, h.text("en", "desk.alert.onboarded")) {
			t.Fatal("Home lists a handled alert")
		}
		if strings.Contains(text, "BO-") {
			t.Fatal("Home shows another tutor's people")
		}
		if !strings.Contains(p.body, `<time class="alert-when" datetime="2026-12-01T11:00:00Z">`) {
			t.Fatalf("alert times are not machine-readable:\n%s", p.body)
		}
	})
}

func TestHomeOfACoordinatorAndOfSomeoneWithoutAlerts(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	tutor := h.staff(storage.RoleTutor, "MI", "active", "it", "Marco Bassi")
	caseload(t, h, tutor)
	caseload(t, h, h.staff(storage.RoleTutor, "BO", "active", "it", "Sara Lodi"))
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Ferri")
	b := h.browser("it")
	b.signIn(h.link(coord.ID))
	text := visible(b.get("/desk/").body)
	for _, want := range []string{
		h.text("it", "desk.home.caseload_territory", "Territory", "Milano"),
		h.text("it", "desk.home.people") + " 3 ",
		h.text("it", "desk.home.no_alerts"),
		"Giulia Ferri " + h.text("it", "desk.role.coordinator"),
	} {
		if !strings.Contains(text, want) {
			t.Fatalf("a coordinator's Home lacks %q:\n%s", want, text)
		}
	}

	admin := h.staff(storage.RoleAdmin, "", "active", "ar", "")
	b = h.browser("it")
	b.signIn(h.link(admin.ID))
	p := b.get("/desk/")
	text = visible(p.body)
	if !strings.Contains(p.body, `<html lang="ar" dir="rtl">`) || !strings.Contains(text, h.text("ar", "desk.home.caseload_all")) ||
		!strings.Contains(text, h.text("ar", "desk.unnamed", "ID", admin.ID)) {
		t.Fatalf("an Arabic-reading admin's Home:\n%s", p.body)
	}
	if !strings.Contains(text, h.text("ar", "desk.home.people")+" 6 ") {
		t.Fatalf("an admin sees everyone:\n%s", text)
	}
}

// An alert about a message shows what the person wrote (the message its ref_id names), cut on
// Home when long; one whose message is gone, or names another person's, shows no text.
func TestHomeShowsTheMessageAnAlertIsAbout(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		people := caseload(t, h, tutor)
		write := func(b storage.Beneficiary, body string) int64 {
			id, err := storage.AppendConversation(ctx, db, storage.NewConversationMessage{BeneficiaryID: b.ID, StaffID: tutor.ID,
				Direction: storage.ToTutor, Body: body}, t0)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		alert := func(b storage.Beneficiary, ref int64) {
			if _, err := storage.CreateAlert(ctx, db, tutor.ID, b.ID, storage.AlertMessage, ref, t0.Add(5*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		said := "My landlord wants me out <tomorrow> & I have nowhere to go"
		alert(people[0], write(people[0], said))
		long := strings.Repeat("ab ", 300)
		alert(people[1], write(people[1], long))
		alert(people[1], write(people[0], "someone else's words")) // a ref to another person's message
		alert(people[0], 987654)                                   // purged

		b := h.browser("en")
		b.signIn(h.link(tutor.ID))
		p := b.get("/desk/")
		if p.status != http.StatusOK {
			t.Fatalf("Home: %d", p.status)
		}
		if !strings.Contains(p.body, `<p class="alert-text">My landlord wants me out &lt;tomorrow&gt; &amp; I have nowhere to go</p>`) {
			t.Fatalf("Home lacks the message, escaped:\n%s", p.body)
		}
		text := visible(p.body)
		if !strings.Contains(text, people[0].Code+" "+h.text("en", "desk.alert.message")) {
			t.Fatalf("Home lacks the alert:\n%s", text)
		}
		if !strings.Contains(p.body, strings.TrimSpace(strings.Repeat("ab ", 166))+"…</p>") || strings.Contains(p.body, long) {
			t.Fatalf("a long message is not cut on Home:\n%s", p.body)
		}
		if strings.Contains(text, "someone else's words") {
			t.Fatal("Home shows another person's message under an alert")
		}
		if n := strings.Count(p.body, `class="alert-text"`); n != 2 {
			t.Fatalf("%d alert texts, want 2", n)
		}
	})
}
