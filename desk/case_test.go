package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func (h *harness) person(code string) storage.Beneficiary {
	h.t.Helper()
	b, err := storage.BeneficiaryByCode(context.Background(), h.db, code)
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// A tutor closes a case from the person's page: without the CSRF token nothing happens; "other"
// without a note is refused (audited) and changes nothing; with a reason the case is closed,
// the person gets the closing notice in their language and the page shows the closing. Then the
// tutor reopens it and the person is told again. Another tutor's person is a 404, audited.
func TestCaseCloseAndReopen(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		other := h.staff(storage.RoleTutor, "BO", "active", "en", "Sara Lodi")
		people := caseload(t, h, tutor)
		theirs := caseload(t, h, other)
		p := people[0]
		chat := h.reachable(p)
		b := h.browser("en")
		b.signIn(h.link(tutor.ID))
		path := "/desk/people/" + p.Code
		page := b.get(path)
		if !strings.Contains(page.body, `action="`+path+`/close"`) || !strings.Contains(page.body, h.text("en", "desk.case.status_open")) {
			t.Fatalf("the person's page has no open case with a Close form\n%s", page.body)
		}

		if got := b.post(path+"/close", url.Values{"reason": {"moved"}}); got.status != http.StatusForbidden {
			t.Fatalf("closing without the CSRF token: %d", got.status)
		}
		if h.person(p.Code).Status == storage.BeneficiaryClosed || len(h.outbox(chat.ID)) != 0 {
			t.Fatal("a forged close changed the case or told the person")
		}
		loc := wantRedirect(t, b.postForm(path+"/close", url.Values{"reason": {"other"}, "note": {"  "}}), path+"?err=exit_note")
		if got := b.get(loc); !strings.Contains(got.body, h.text("en", "desk.case.err.exit_note")) {
			t.Fatalf("the missing note's error is not on the page\n%s", got.body)
		}
		if h.person(p.Code).Status == storage.BeneficiaryClosed {
			t.Fatal("a close without the note of \"other\" closed the case")
		}
		if es := h.audit("/close", storage.OutcomeDenied); len(es) != 1 {
			t.Fatalf("the refused close is not audited: %+v", es)
		}

		loc = wantRedirect(t, b.postForm(path+"/close", url.Values{"reason": {"moved"}}), path+"?ok=case_closed")
		if got := h.person(p.Code).Status; got != storage.BeneficiaryClosed {
			t.Fatalf("status after closing: %q", got)
		}
		want := h.cat.For("fr").T("cases.closed_notice")
		if got := h.outbox(chat.ID); len(got) != 1 || got[0] != want {
			t.Fatalf("the person got %q, want the closing notice %q", got, want)
		}
		page = b.get(loc)
		for _, s := range []string{h.text("en", "desk.case.ok.case_closed"), h.text("en", "desk.case.status_closed"),
			h.text("en", "cases.reason_moved"), `action="` + path + `/reopen"`} {
			if !strings.Contains(page.body, s) {
				t.Fatalf("the closed case's page lacks %q\n%s", s, page.body)
			}
		}
		if strings.Contains(page.body, `action="`+path+`/close"`) {
			t.Fatal("a closed case still has a Close form")
		}
		wantRedirect(t, b.postForm(path+"/close", url.Values{"reason": {"moved"}}), path+"?err=already_closed")

		wantRedirect(t, b.postForm(path+"/reopen", nil), path+"?ok=case_reopened")
		if got := h.person(p.Code).Status; got != storage.BeneficiaryActive {
			t.Fatalf("status after reopening: %q", got)
		}
		if got := h.outbox(chat.ID); len(got) != 2 || got[1] != h.cat.For("fr").T("cases.reopened_notice") {
			t.Fatalf("after reopening the person got %q", got)
		}
		wantRedirect(t, b.postForm(path+"/reopen", nil), path+"?err=not_closed")
		if es := h.audit("/reopen", storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != tutor.ID {
			t.Fatalf("audit of the reopening: %+v", es)
		}

		foreign := "/desk/people/" + theirs[0].Code
		if got := b.postForm(foreign+"/close", url.Values{"reason": {"moved"}}); got.status != http.StatusNotFound {
			t.Fatalf("closing another tutor's person: %d", got.status)
		}
		if h.person(theirs[0].Code).Status == storage.BeneficiaryClosed {
			t.Fatal("another tutor's person was closed")
		}
		if es := h.audit("desk.case_close", storage.OutcomeDenied); len(es) != 1 || es[0].TargetID != strconv.FormatInt(theirs[0].ID, 10) {
			t.Fatalf("the out-of-scope close is not audited: %+v", es)
		}
	})
}

// A coordinator gives a person to another active tutor of the territory: the person is told
// of their new tutor; a tutor of another territory is refused. A tutor has no Reassign form,
// and a tutor's POST is a 404, audited, that changes nothing.
func TestCaseReassign(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Neri")
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		next := h.staff(storage.RoleTutor, "MI", "active", "en", "Luca Verdi")
		far := h.staff(storage.RoleTutor, "BO", "active", "en", "Sara Lodi")
		people := caseload(t, h, tutor)
		p := people[0]
		chat := h.reachable(p)
		path := "/desk/people/" + p.Code

		tb := h.browser("en")
		tb.signIn(h.link(tutor.ID))
		if page := tb.get(path); page.status != http.StatusOK || strings.Contains(page.body, `action="`+path+`/reassign"`) {
			t.Fatalf("a tutor's page of their person: %d, with a Reassign form?\n%s", page.status, page.body)
		}
		if got := tb.postForm(path+"/reassign", url.Values{"tutor": {strconv.FormatInt(next.ID, 10)}}); got.status != http.StatusNotFound {
			t.Fatalf("a tutor reassigning: %d", got.status)
		}
		if got := h.person(p.Code); got.TutorID.Int64 != tutor.ID {
			t.Fatalf("a tutor's reassign moved the person to %d", got.TutorID.Int64)
		}
		if es := h.audit("desk.page", storage.OutcomeDenied); len(es) != 1 {
			t.Fatalf("the tutor's reassign is not audited: %+v", es)
		}

		cb := h.browser("it")
		cb.signIn(h.link(coord.ID))
		page := cb.get(path)
		if !strings.Contains(page.body, `action="`+path+`/reassign"`) || !strings.Contains(page.body, `<option value="`+strconv.FormatInt(next.ID, 10)+`">`) ||
			strings.Contains(page.body, `<option value="`+strconv.FormatInt(tutor.ID, 10)+`">`) || strings.Contains(page.body, `<option value="`+strconv.FormatInt(far.ID, 10)+`">`) {
			t.Fatalf("the coordinator's Reassign form should offer the territory's other tutor only\n%s", page.body)
		}
		if got := cb.post(path+"/reassign", url.Values{"tutor": {strconv.FormatInt(next.ID, 10)}}); got.status != http.StatusForbidden {
			t.Fatalf("reassigning without the CSRF token: %d", got.status)
		}
		wantRedirect(t, cb.postForm(path+"/reassign", url.Values{"tutor": {strconv.FormatInt(far.ID, 10)}}), path+"?err=not_a_tutor")
		if got := h.person(p.Code); got.TutorID.Int64 != tutor.ID {
			t.Fatalf("a reassign to another territory's tutor moved the person to %d", got.TutorID.Int64)
		}
		loc := wantRedirect(t, cb.postForm(path+"/reassign", url.Values{"tutor": {strconv.FormatInt(next.ID, 10)}}), path+"?ok=case_reassigned")
		if got := h.person(p.Code); got.TutorID.Int64 != next.ID {
			t.Fatalf("after the reassign the person's tutor is %d, want %d", got.TutorID.Int64, next.ID)
		}
		want := h.cat.For("fr").T("cases.new_tutor_notice", "Tutor", next.DisplayName)
		if got := h.outbox(chat.ID); !slices.Contains(got, want) {
			t.Fatalf("the person got %q, want %q", got, want)
		}
		if got := cb.get(loc); !strings.Contains(got.body, h.text("it", "desk.case.ok.case_reassigned")) || !strings.Contains(got.body, "Luca Verdi") {
			t.Fatalf("the page after the reassign\n%s", got.body)
		}
	})
}

// A tutor records an outcome on the person's page with the domain's validation: a detail that
// does not go with the type, or a date in the future, records nothing; a good one is listed.
func TestOutcomeRecorded(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		p := caseload(t, h, tutor)[0]
		b := h.browser("en")
		b.signIn(h.link(tutor.ID))
		path := "/desk/people/" + p.Code
		outcomes := func() []storage.CaseOutcome {
			t.Helper()
			os, err := storage.OutcomesOf(context.Background(), db, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return os
		}
		page := b.get(path)
		if !strings.Contains(page.body, `action="`+path+`/outcomes"`) || !strings.Contains(page.body, h.text("en", "desk.case.no_outcomes")) {
			t.Fatalf("the page has no outcome form or says there are outcomes\n%s", page.body)
		}
		good := url.Values{"what": {"work/permanent"}, "detail": {"h21_30"}, "date": {"2026-11-28"}}
		if got := b.post(path+"/outcomes", good); got.status != http.StatusForbidden {
			t.Fatalf("recording without the CSRF token: %d", got.status)
		}
		wantRedirect(t, b.postForm(path+"/outcomes", url.Values{"what": {"housing/own_rental"}, "detail": {"h1_10"}, "date": {"2026-11-28"}}),
			path+"?err=outcome_invalid")
		wantRedirect(t, b.postForm(path+"/outcomes", url.Values{"what": {"work/permanent"}, "detail": {"h21_30"}, "date": {"2026-12-02"}}),
			path+"?err=outcome_date")
		if os := outcomes(); len(os) != 0 {
			t.Fatalf("a bad outcome was recorded: %+v", os)
		}
		if es := h.audit("/outcome add", storage.OutcomeDenied); len(es) != 1 {
			t.Fatalf("the invalid outcome's refusal is not audited: %+v", es)
		}
		loc := wantRedirect(t, b.postForm(path+"/outcomes", good), path+"?ok=outcome_recorded")
		os := outcomes()
		if len(os) != 1 || os[0].Kind != "work" || os[0].Type != "permanent" || os[0].Detail.String != "h21_30" || !strings.HasPrefix(os[0].OccurredOn, "2026-11-28") ||
			os[0].CreatedBy.Int64 != tutor.ID {
			t.Fatalf("recorded: %+v", os)
		}
		page = b.get(loc)
		for _, s := range []string{h.text("en", "desk.case.ok.outcome_recorded"), h.text("en", "outcomes.type_work_permanent"),
			h.text("en", "outcomes.detail_work_h21_30")} {
			if !strings.Contains(page.body, s) {
				t.Fatalf("the page after recording lacks %q\n%s", s, page.body)
			}
		}
	})
}
