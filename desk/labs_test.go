package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// A coordinator reads the week's sessions, enrols two people within the session's places (the
// new ones are told in their chat, as /enrol tells them), and, on the day, a tutor marks one
// present and one absent (an absence alerts their tutor). A third person does not fit; a
// session of another territory is a 404, audited; tutors do not enrol.
func TestLabsOnTheDesk(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri")
		people := caseload(t, h, tutor)
		chat := h.reachable(people[0])
		session := func(terr string, capacity int64, at time.Time) storage.Session {
			lab, err := storage.CreateLabIn(ctx, db, terr, "LabIn "+terr, "", coord.ID, t0)
			if err != nil {
				t.Fatal(err)
			}
			m, err := storage.CreateModule(ctx, db, lab.ID, "CV", t0)
			if err != nil {
				t.Fatal(err)
			}
			s, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: m.ID, Territory: terr, StartsAt: at, EndsAt: at.Add(2 * time.Hour),
				Place: "Via Padova 36", Capacity: capacity, CreatedBy: coord.ID}, t0)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		mi := session("MI", 2, t0.Add(48*time.Hour))
		bo := session("BO", 0, t0.Add(48*time.Hour))
		b := h.browser("en")
		b.signIn(h.link(coord.ID))
		week := b.get("/desk/labs")
		if !strings.Contains(week.body, "LabIn MI — CV") || strings.Contains(week.body, "LabIn BO") {
			t.Fatalf("the week of Milano's sessions\n%s", week.body)
		}
		path := "/desk/labs/sessions/" + strconv.FormatInt(mi.ID, 10)
		if p := b.post(path+"/enrol", url.Values{"codes": {people[0].Code}}); p.status != http.StatusForbidden {
			t.Fatalf("enrolling without the CSRF token: %d", p.status)
		}
		wantRedirect(t, b.postForm(path+"/enrol", url.Values{"codes": {"XX-999"}}), path+"?err=enrol_codes")
		wantRedirect(t, b.postForm(path+"/enrol", url.Values{"codes": {people[0].Code + " " + strings.ToLower(people[1].Code)}}), path+"?ok=enrolled")
		wantRedirect(t, b.postForm(path+"/enrol", url.Values{"codes": {people[2].Code}}), path+"?err=full")
		if got := h.outbox(chat.ID); len(got) != 1 || !strings.Contains(got[0], "Via Padova 36") {
			t.Fatalf("the enrolled person got %q", got)
		}
		if es := h.audit("/enrol", storage.OutcomeOK); len(es) != 2 {
			t.Fatalf("audit of /enrol: %+v", es)
		}
		h.wantPage(b.get("/desk/labs/sessions/"+strconv.FormatInt(bo.ID, 10)), http.StatusNotFound, "en", "desk.msg.not_found")
		if es := h.audit("desk.session", storage.OutcomeDenied); len(es) != 1 {
			t.Fatalf("the refusal is not audited: %+v", es)
		}

		tb := h.browser("en")
		tb.signIn(h.link(tutor.ID))
		h.wantPage(tb.postForm(path+"/enrol", url.Values{"codes": {people[2].Code}}), http.StatusNotFound, "en", "desk.msg.not_found")
		wantRedirect(t, tb.postForm(path+"/attendance", url.Values{"code": {people[0].Code}, "attendance": {"present"}}), path+"?err=not_yet")
		h.clock.Set(mi.StartsAt.Add(3 * time.Hour))
		tb.signIn(h.link(tutor.ID)) // the day after: a new session
		wantRedirect(t, tb.postForm(path+"/attendance", url.Values{"code": {people[0].Code}, "attendance": {"present"}}), path+"?ok=attendance")
		wantRedirect(t, tb.postForm(path+"/attendance", url.Values{"code": {people[1].Code}, "attendance": {"absent"}}), path+"?ok=attendance")
		wantRedirect(t, tb.postForm(path+"/attendance", url.Values{"code": {people[1].Code}, "attendance": {"absent"}}), path+"?ok=unchanged")
		h.wantPage(tb.postForm(path+"/attendance", url.Values{"code": {people[2].Code}, "attendance": {"absent"}}), http.StatusNotFound, "en", "desk.msg.not_found")
		en, err := storage.EnrolmentOf(ctx, db, mi.ID, people[1].ID)
		if err != nil || en.Attendance.String != "absent" {
			t.Fatalf("attendance: %+v %v", en, err)
		}
		absent := 0
		for _, a := range h.openAlerts(tutor.ID) {
			if a.Kind == storage.AlertAbsent && a.BeneficiaryID == people[1].ID {
				absent++
			}
		}
		if absent != 1 {
			t.Fatalf("%d absence alerts, want 1", absent)
		}
		if es := h.audit("/attendance", storage.OutcomeOK); len(es) != 2 {
			t.Fatalf("audit of /attendance: %+v", es)
		}
		page := tb.get(path)
		if !strings.Contains(page.body, h.text("en", "desk.person.attendance_absent")) || strings.Contains(page.body, `id="enrol"`) {
			t.Fatalf("the session's page for a tutor\n%s", page.body)
		}
	})
}
