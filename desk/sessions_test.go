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

// A coordinator schedules a session on the Labs page (bad dates, a past time, no place, a lab
// of another territory: each said, nothing saved), enrols a person, moves the session (the
// person is told the new date in their language) and cancels it after ticking the box (the
// person is told again); a cancelled session can no longer be moved. Tutors and another
// territory's coordinator get 404; a form without its token is refused.
func TestSessionsScheduledMovedCancelledOnTheDesk(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri")
		boCoord := h.staff(storage.RoleCoordinator, "BO", "active", "en", "Luca Neri")
		people := caseload(t, h, tutor)
		chat := h.reachable(people[0])
		module := func(terr string) int64 {
			lab, err := storage.CreateLabIn(ctx, db, terr, "LabIn "+terr, "", coord.ID, t0)
			if err != nil {
				t.Fatal(err)
			}
			m, err := storage.CreateModule(ctx, db, lab.ID, "CV "+terr, t0)
			if err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		mi, bo := module("MI"), module("BO")

		b := h.browser("en")
		b.signIn(h.link(coord.ID))
		labs := b.get("/desk/labs")
		if !strings.Contains(labs.body, `id="session-add"`) || !strings.Contains(labs.body, "CV MI") || strings.Contains(labs.body, "CV BO") {
			t.Fatalf("the Labs page's form for a Milano coordinator\n%s", labs.body)
		}
		form := func(module int64, date, at, place string) url.Values {
			return url.Values{"module": {strconv.FormatInt(module, 10)}, "date": {date}, "time": {at}, "place": {place}, "capacity": {"12"}}
		}
		if p := b.post("/desk/labs/sessions", form(mi, "2026-12-05", "10:00", "CPIA")); p.status != http.StatusForbidden {
			t.Fatalf("scheduling without the CSRF token: %d", p.status)
		}
		wantRedirect(t, b.postForm("/desk/labs/sessions", form(mi, "31/02/2026", "10:00", "CPIA")), "/desk/labs?err=bad_date")
		wantRedirect(t, b.postForm("/desk/labs/sessions", form(mi, "2026-12-05", "25:00", "CPIA")), "/desk/labs?err=bad_time")
		wantRedirect(t, b.postForm("/desk/labs/sessions", form(mi, "2026-11-30", "10:00", "CPIA")), "/desk/labs?err=past_date")
		wantRedirect(t, b.postForm("/desk/labs/sessions", form(mi, "2026-12-05", "10:00", " ")), "/desk/labs?err=session_place")
		wantRedirect(t, b.postForm("/desk/labs/sessions", form(bo, "2026-12-05", "10:00", "CPIA")), "/desk/labs?err=lab_elsewhere")
		if got, err := storage.SessionsBetween(ctx, db, "", t0, t0.Add(30*24*time.Hour)); err != nil || len(got) != 0 {
			t.Fatalf("sessions after refused forms: %d %v", len(got), err)
		}
		path := wantRedirect(t, b.postForm("/desk/labs/sessions", form(mi, "2026-12-05", "10:00", "CPIA, via Padova 36")), "/desk/labs/sessions/")
		id, err := strconv.ParseInt(strings.TrimPrefix(strings.SplitN(path, "?", 2)[0], "/desk/labs/sessions/"), 10, 64)
		if err != nil || !strings.HasSuffix(path, "?ok=session_added") {
			t.Fatalf("redirected to %q", path)
		}
		sess, err := storage.SessionByID(ctx, db, id)
		if err != nil || sess.Territory != "MI" || sess.Capacity.Int64 != 12 || sess.Place != "CPIA, via Padova 36" || sess.EndsAt.Sub(sess.StartsAt) != 2*time.Hour {
			t.Fatalf("the session scheduled: %+v %v", sess, err)
		}
		if es := h.audit("/session add", storage.OutcomeOK); len(es) != 1 {
			t.Fatalf("audit of /session add: %+v", es)
		}
		spath := "/desk/labs/sessions/" + strconv.FormatInt(id, 10)
		wantRedirect(t, b.postForm(spath+"/enrol", url.Values{"codes": {people[0].Code}}), spath+"?ok=enrolled")
		told := len(h.outbox(chat.ID)) // the enrolment notice
		rome, _ := time.LoadLocation("Europe/Rome")

		page := b.get(spath)
		if !strings.Contains(page.body, `value="2026-12-05"`) || !strings.Contains(page.body, `id="session-cancel"`) {
			t.Fatalf("the session's page has no move and cancel forms\n%s", page.body)
		}
		wantRedirect(t, b.postForm(spath+"/move", url.Values{"date": {"2026-12-05"}, "time": {sess.StartsAt.In(rome).Format("15:04")}}), spath+"?ok=unchanged")
		wantRedirect(t, b.postForm(spath+"/move", url.Values{"date": {"2026-12-07"}, "time": {"15:30"}}), spath+"?ok=session_moved")
		moved, err := storage.SessionByID(ctx, db, id)
		if err != nil || moved.StartsAt.In(rome).Format("2006-01-02 15:04") != "2026-12-07 15:30" {
			t.Fatalf("moved to %v (%v)", moved.StartsAt, err)
		}
		if got := h.outbox(chat.ID)[told:]; len(got) != 1 || !strings.Contains(got[0], "CV MI") || !strings.Contains(got[0], "15:30") {
			t.Fatalf("the enrolled person was told %q", got)
		}
		told++

		tb := h.browser("en")
		tb.signIn(h.link(tutor.ID))
		h.wantPage(tb.postForm("/desk/labs/sessions", form(mi, "2026-12-05", "10:00", "CPIA")), http.StatusNotFound, "en", "desk.msg.not_found")
		h.wantPage(tb.postForm(spath+"/cancel", url.Values{"sure": {"yes"}}), http.StatusNotFound, "en", "desk.msg.not_found")
		if strings.Contains(tb.get(spath).body, `id="session-cancel"`) {
			t.Fatal("a tutor is offered to cancel the session")
		}
		ob := h.browser("en")
		ob.signIn(h.link(boCoord.ID))
		h.wantPage(ob.postForm(spath+"/move", url.Values{"date": {"2026-12-08"}, "time": {"10:00"}}), http.StatusNotFound, "en", "desk.msg.not_found")

		wantRedirect(t, b.postForm(spath+"/cancel", url.Values{}), spath+"?err=not_sure")
		wantRedirect(t, b.postForm(spath+"/cancel", url.Values{"sure": {"yes"}}), spath+"?ok=session_cancelled")
		if got := h.outbox(chat.ID)[told:]; len(got) != 1 || !strings.Contains(got[0], "CV MI") {
			t.Fatalf("the enrolled person was told %q", got)
		}
		wantRedirect(t, b.postForm(spath+"/move", url.Values{"date": {"2026-12-08"}, "time": {"10:00"}}), spath+"?err=session_gone")
		if es := h.audit("/session cancel", storage.OutcomeOK); len(es) != 1 {
			t.Fatalf("audit of /session cancel: %+v", es)
		}
	})
}

// A session of an operators' lab shows its two days on the desk and offers no enrolment of
// beneficiaries; a forged enrolment is answered with what to do instead, and enrols nobody.
func TestOperatorsSessionOnTheDesk(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	h := newHarness(t, db)
	tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri")
	people := caseload(t, h, tutor)
	lab, err := storage.CreateLabFor(ctx, db, storage.AudienceOperators, "MI", "Linee guida", "", coord.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	m, err := storage.CreateModule(ctx, db, lab.ID, "Accoglienza", t0)
	if err != nil {
		t.Fatal(err)
	}
	starts := t0.Add(48 * time.Hour)
	sess, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: m.ID, Territory: "MI", StartsAt: starts,
		EndsAt: starts.Add(32 * time.Hour), Place: "Villa", CreatedBy: coord.ID}, t0)
	if err != nil {
		t.Fatal(err)
	}
	b := h.browser("en")
	b.signIn(h.link(coord.ID))
	path := "/desk/labs/sessions/" + strconv.FormatInt(sess.ID, 10)
	page := b.get(path)
	rome, _ := time.LoadLocation("Europe/Rome")
	l := h.cat.For("en")
	if strings.Contains(page.body, `id="enrol"`) || !strings.Contains(htmlText(page.body), l.DateTime(sess.EndsAt.In(rome))) {
		t.Fatalf("an operators' session on the desk\n%s", page.body)
	}
	wantRedirect(t, b.postForm(path+"/enrol", url.Values{"codes": {people[0].Code}}), path+"?err=operators_session")
	if ens, err := storage.EnrolmentsOf(ctx, db, sess.ID); err != nil || len(ens) != 0 {
		t.Fatalf("enrolled %d (%v)", len(ens), err)
	}
}
