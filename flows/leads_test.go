package flows_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

func addLead(h *flowtest.Harness, l storage.Lead) storage.Lead {
	h.T.Helper()
	if l.Territory == "" {
		l.Territory = "MI"
	}
	got, err := storage.CreateLead(h.Ctx(), h.DB, l, h.Clock.Now())
	if err != nil {
		h.T.Fatal(err)
	}
	h.Clock.Advance(time.Minute) // newest first needs distinct times
	return got
}

func room(title string, rent int64, shared bool) storage.Lead {
	return storage.Lead{Kind: storage.LeadHousing, Title: title, Details: "Near the metro.", HousingType: sql.NullString{String: "room", Valid: true},
		RentEUR: sql.NullInt64{Int64: rent, Valid: true}, Shared: sql.NullBool{Bool: shared, Valid: true},
		City: sql.NullString{String: "Milano", Valid: true}, Contact: sql.NullString{String: "landlord +39 333 0000000", Valid: true}}
}

func TestHousingPagesNewestFirstAndFilters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, _ := member(h, "en", 0)
	for i := 1; i <= 12; i++ {
		addLead(h, room(fmt.Sprintf("Room %02d", i), int64(250+i*25), i%2 == 0))
	}
	addLead(h, storage.Lead{Kind: storage.LeadHousing, Territory: "BO", Title: "Bologna flat"})
	closed := addLead(h, room("Closed room", 300, true))
	if _, err := storage.CloseLead(h.Ctx(), h.DB, closed.ID, h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	addLead(h, storage.Lead{Kind: storage.LeadHousing, Title: "Expired room", ExpiresOn: sql.NullString{String: "2025-01-01", Valid: true}})

	c.Send("/menu")
	c.Tap("Housing")
	c.Expect("12 housing offers in your area", "(page 1 of 3)", "1. Room 12", "5. Room 08", "550 € a month", "shared")
	expectNot(t, c, "Room 07", "Bologna flat", "Closed room", "Expired room", "+39 333")
	if strings.Index(flowtest.Texts(c.Last), "Room 12") > strings.Index(flowtest.Texts(c.Last), "Room 11") {
		t.Fatal("not newest first")
	}
	c.Tap("Next")
	c.Expect("(page 2 of 3)", "6. Room 07", "10. Room 03")
	c.Tap("Next")
	c.Expect("(page 3 of 3)", "Room 01")
	expectNot(t, c, "Next ▶️")
	c.Tap("Previous")
	c.Expect("(page 2 of 3)")

	c.Tap("Filter")
	c.Expect("How much can you pay")
	c.Tap("up to 400 €")
	c.Expect("6 housing offers", "(page 1 of 2)", "Filter: up to 400 €", "Room 06", "Room 02")
	expectNot(t, c, "Room 07", "Room 12")
	c.Tap("Filter")
	expectButton(t, c, "✅ 💶 up to 400 €")
	c.Tap("Not shared")
	c.Expect("3 housing offers", "up to 400 €, not shared", "Room 05", "Room 03", "Room 01")
	expectNot(t, c, "Room 06")
	c.Tap("Room 03")
	c.Expect("Room 03", "🛏️ Room", "325 € a month", "not shared", "Near the metro.")
	expectNot(t, c, "+39 333")
	c.Tap("Back")
	c.Expect("3 housing offers", "not shared") // the filter is kept
	c.Tap("Filter")
	c.Tap("up to 300 €")
	c.Tap("Filter")
	c.Tap("👥 Shared")
	c.Expect("1 housing offer in your area", "up to 300 €, shared", "Room 02")
	c.Press("ll:h:0:250:y")
	c.Expect("No housing offer fits your filter")
	c.Tap("Show all")
	c.Expect("12 housing offers")
}

func TestInterestIsRecordedOnceAndReachesTheTutorOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	c, b := member(h, "en", tutor.ID)
	job := addLead(h, storage.Lead{Kind: storage.LeadJob, Title: "Kitchen assistant", JobRole: sql.NullString{String: "kitchen assistant", Valid: true},
		Employer: sql.NullString{String: "Trattoria Da Gino", Valid: true}, Contract: sql.NullString{String: "6 months", Valid: true},
		Hours: sql.NullString{String: "25 hours a week, evenings", Valid: true}, ExpiresOn: sql.NullString{String: "2025-12-31", Valid: true}})
	addLead(h, room("A room", 300, true)) // housing is not listed among jobs

	c.Send("/jobs")
	c.Expect("1 job offer in your area", "Kitchen assistant", "6 months")
	expectNot(t, c, "A room")
	c.Tap("Kitchen")
	c.Expect("Trattoria Da Gino", "🕒 25 hours a week, evenings", "Until Wednesday 31 December")
	interested := expectButton(t, c, "I'm interested")
	c.Press(interested.Data)
	c.Expect("Saved!", "Your tutor has been told", "You said you are interested")
	expectNot(t, c, "🙋 I'm interested")
	alerts := tchat.Inbox()
	if len(alerts) != 1 || !strings.Contains(alerts[0].Text, b.Code) || !strings.Contains(alerts[0].Text, "Kitchen assistant") ||
		!strings.HasPrefix(alerts[0].Text, "💼") || strings.Contains(alerts[0].Text, "🏠") {
		t.Fatalf("tutor alert about a job lead (💼, not 🏠) = %s", flowtest.Describe(alerts))
	}
	tchat.Send("/alerts") // the tutor's list names it a job lead's too
	tchat.Expect("💼")
	expectNot(t, tchat, "🏠")
	c.Press(interested.Data) // a double tap, or the button of an old message
	c.Expect("already said you are interested")
	if n := len(tchat.Inbox()); n != 0 {
		t.Fatalf("%d more alerts", n)
	}
	if n := count(h, `SELECT COUNT(*) FROM lead_interests WHERE lead_id = ? AND beneficiary_id = ?`, job.ID, b.ID); n != 1 {
		t.Fatalf("%d interests", n)
	}
	if n := count(h, `SELECT COUNT(*) FROM alerts WHERE kind = ?`, storage.AlertLeadInterest); n != 1 {
		t.Fatalf("%d interest alerts", n)
	}
	// The offer closes: an old button says so and changes nothing.
	if _, err := storage.CloseLead(h.Ctx(), h.DB, job.ID, h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	c.Press(interested.Data)
	c.Expect("no longer available")
}

func TestLeadsOfAnotherTerritoryCannotBeOpened(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, b := member(h, "en", 0)
	bo := addLead(h, storage.Lead{Kind: storage.LeadHousing, Territory: "BO", Title: "Bologna flat"})
	for _, data := range []string{
		fmt.Sprintf("ld:%d:h:0:0:a", bo.ID), fmt.Sprintf("li:%d:h:0:0:a", bo.ID), fmt.Sprintf("ld:%d:j:0:0:a", bo.ID),
		"ll:x:0:0:a", "ll:h:0:0:zz", "lf:abc", "ld:1",
	} {
		c.Press(data)
		expectNot(t, c, "Bologna flat")
	}
	c.Press(fmt.Sprintf("li:%d:h:0:0:a", bo.ID))
	c.Expect("That button is old")
	if n := count(h, `SELECT COUNT(*) FROM lead_interests WHERE beneficiary_id = ?`, b.ID); n != 0 {
		t.Fatal("interest recorded in another territory's lead")
	}
	c.Send("/housing")
	c.Expect("no housing offers in your area")
}
