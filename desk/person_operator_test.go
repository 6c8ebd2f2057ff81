package desk_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// operatorWorld is a tutor of MI with three people, two of them hosted at the reception centre
// "Casa Aurora" and one at "Casa Luce", an active operator of Casa Aurora, and the tutor
// reachable on Telegram.
type operatorWorld struct {
	tutor, operator storage.Staff
	tutorChat       storage.Identity
	aurora          []storage.Beneficiary // the operator's centre
	luce            storage.Beneficiary   // another centre of the same tutor
}

func newOperatorWorld(t *testing.T, h *harness) operatorWorld {
	t.Helper()
	ctx := context.Background()
	var w operatorWorld
	w.tutor = h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
	people := caseload(t, h, w.tutor)
	aurora, err := storage.EnsureCentre(ctx, h.db, "MI", "Casa Aurora", t0)
	if err != nil {
		t.Fatal(err)
	}
	luce, err := storage.EnsureCentre(ctx, h.db, "MI", "Casa Luce", t0)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range people {
		c := aurora.ID
		if i == 2 {
			c = luce.ID
		}
		if err := storage.SetBeneficiaryCentre(ctx, h.db, p.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	w.aurora, w.luce = []storage.Beneficiary{h.person(people[0].Code), h.person(people[1].Code)}, h.person(people[2].Code)
	id, err := storage.CreateStaff(ctx, h.db, storage.NewStaff{DisplayName: "Luca Operatore", Role: storage.RoleOperator, Territory: "MI",
		Lang: "en", CentreID: aurora.ID}, t0)
	if err != nil {
		t.Fatal(err)
	}
	h.setStatus(id, "active")
	if w.operator, err = storage.StaffByID(ctx, h.db, id); err != nil {
		t.Fatal(err)
	}
	if w.tutorChat, err = storage.LinkIdentity(ctx, h.db, storage.NewIdentity{Channel: "telegram", ExternalID: "tg-tutor",
		ChatID: "chat-tutor", StaffID: w.tutor.ID}, t0); err != nil {
		t.Fatal(err)
	}
	return w
}

// messages is what was queued for an identity, oldest first, with its buttons.
func (h *harness) messages(identityID int64) []bot.Outgoing {
	h.t.Helper()
	var payloads []string
	if err := h.db.Select(context.Background(), &payloads, `SELECT payload FROM outbox WHERE identity_id = ? ORDER BY id`, identityID); err != nil {
		h.t.Fatal(err)
	}
	var out []bot.Outgoing
	for _, p := range payloads {
		var o bot.Outgoing
		if err := json.Unmarshal([]byte(p), &o); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

func (h *harness) countOf(query string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.db.Get(context.Background(), &n, query, args...); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// An operator signs in with a link from the CLI's way (the chat's /desk is the same function):
// Home has their centre's figures and no alerts; People lists their centre's people only;
// a person of their centre has a read-only page (plan, case, outcomes) without the
// conversation with the tutor or the consents, and without any form that changes the plan or
// the case; a person of another centre, and any page that is not theirs, is a 404, audited.
func TestOperatorSeesTheirCentreOnTheDesk(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		w := newOperatorWorld(t, h)
		ctx := context.Background()
		if _, err := storage.AppendConversation(ctx, db, storage.NewConversationMessage{BeneficiaryID: w.aurora[0].ID, StaffID: w.tutor.ID,
			Direction: storage.ToTutor, Body: "My landlord wants the deposit back"}, t0); err != nil {
			t.Fatal(err)
		}
		b := h.browser("en")
		b.signIn(h.link(w.operator.ID))

		home := b.get("/desk/")
		text := visible(home.body)
		if home.status != http.StatusOK || !strings.Contains(text, h.text("en", "desk.op.caseload_centre", "Centre", "Casa Aurora")) ||
			!strings.Contains(text, h.text("en", "desk.op.role")) {
			t.Fatalf("the operator's Home: %d\n%s", home.status, text)
		}
		// Casa Aurora: two people (both active), three steps, one overdue.
		if !strings.Contains(text, h.text("en", "desk.home.people_detail", "Active", 2, "Invited", 0)) ||
			!strings.Contains(text, h.text("en", "desk.home.steps_detail", "Total", 3)) {
			t.Fatalf("Home does not count the centre's people and steps:\n%s", text)
		}
		if strings.Contains(text, h.text("en", "desk.home.alerts")) || strings.Contains(home.body, "/desk/alerts/") {
			t.Fatalf("an operator's Home shows alerts:\n%s", text)
		}
		for _, nav := range []string{`href="/desk/labs"`, `href="/desk/leads"`, `href="/desk/figures"`, `href="/desk/audit"`} {
			if strings.Contains(home.body, nav) {
				t.Fatalf("an operator's navigation links to %s", nav)
			}
		}

		people := b.get("/desk/people?territory=BO&tutor=" + strconv.FormatInt(w.tutor.ID, 10))
		text = visible(people.body)
		if !strings.Contains(text, w.aurora[0].Code) || !strings.Contains(text, w.aurora[1].Code) || strings.Contains(text, w.luce.Code) {
			t.Fatalf("the operator's People:\n%s", text)
		}
		if strings.Contains(people.body, `name="tutor"`) || strings.Contains(people.body, `name="territory"`) {
			t.Fatal("an operator is offered the tutor or territory filters")
		}

		path := "/desk/people/" + w.aurora[0].Code
		p := b.get(path)
		text = visible(p.body)
		if p.status != http.StatusOK {
			t.Fatalf("a person of the centre: %d\n%s", p.status, text)
		}
		for _, want := range []string{"Amina " + w.aurora[0].Code, "Visit a room", h.text("en", "desk.person.overdue"),
			h.text("en", "steps.curriculum.title"), h.text("en", "desk.case.status_open"), h.text("en", "desk.case.no_outcomes"), "Marco Bassi",
			`action="` + path + `/propose"`, `action="` + path + `/note"`} {
			if !strings.Contains(text, want) && !strings.Contains(p.body, want) {
				t.Fatalf("the operator's person page lacks %q:\n%s", want, text)
			}
		}
		for _, never := range []string{"My landlord", h.text("en", "desk.person.conversation"), h.text("en", "desk.person.consents"),
			h.text("en", "desk.person.alerts"), `/steps"`, `/status"`, `/due"`, `/close"`, `/reply"`, `/outcomes"`, `/reassign"`} {
			if strings.Contains(p.body, never) {
				t.Fatalf("the operator's person page shows %q:\n%s", never, p.body)
			}
		}
		// The tutor's page of the same person does show the conversation: the rule, not the data.
		tb := h.browser("en")
		tb.signIn(h.link(w.tutor.ID))
		if !strings.Contains(tb.get(path).body, "My landlord") {
			t.Fatal("the tutor's page lacks the conversation")
		}

		if got := b.get("/desk/people/" + w.luce.Code); got.status != http.StatusNotFound {
			t.Fatalf("a person of another centre: %d", got.status)
		}
		if es := h.audit("desk.person", storage.OutcomeDenied); len(es) != 1 || es[0].TargetID != strconv.FormatInt(w.luce.ID, 10) ||
			es[0].ActorID.Int64 != w.operator.ID {
			t.Fatalf("the attempt on another centre's person is not audited: %+v", es)
		}
		for _, page := range []string{"/desk/labs", "/desk/leads", "/desk/figures", "/desk/audit"} {
			if got := b.get(page); got.status != http.StatusNotFound {
				t.Fatalf("an operator's %s: %d", page, got.status)
			}
		}
		if es := h.audit("desk.page", storage.OutcomeDenied); len(es) != 4 {
			t.Fatalf("%d refused pages audited, want 4: %+v", len(es), es)
		}
		// Logging out works for them too.
		if got := b.postForm("/desk/logout", nil); got.status != http.StatusSeeOther {
			t.Fatalf("an operator's logout: %d", got.status)
		}
	})
}

// An operator proposes a step from a person's page: the tutor gets the chat's alert with
// Accept and Decline, and nothing reaches the person; a note to the tutor reaches the tutor.
// A forged form (no CSRF token) changes nothing; a bad form says why; a person of another
// centre is a 404; the forms of the staff who follow cases (add a step, close the case,
// reply) are 404 for an operator, audited, and change nothing.
func TestOperatorProposesAndWritesToTheTutor(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		w := newOperatorWorld(t, h)
		person := w.aurora[0]
		chat := h.reachable(person)
		b := h.browser("en")
		b.signIn(h.link(w.operator.ID))
		path := "/desk/people/" + person.Code
		proposals := func() int { return h.countOf(`SELECT COUNT(*) FROM step_proposals`) }

		good := url.Values{"area": {"housing"}, "title": {"Visit the flat in via Roma"}}
		if got := b.post(path+"/propose", good); got.status != http.StatusForbidden {
			t.Fatalf("a proposal without the CSRF token: %d", got.status)
		}
		if proposals() != 0 || len(h.messages(w.tutorChat.ID)) != 0 {
			t.Fatal("a forged proposal was recorded or sent")
		}
		wantRedirect(t, b.postForm(path+"/propose", url.Values{"area": {"moon"}, "title": {"x"}}), path+"?err=bad_area")
		loc := wantRedirect(t, b.postForm(path+"/propose", url.Values{"area": {"housing"}, "title": {"   "}}), path+"?err=op_title_empty")
		if got := b.get(loc); !strings.Contains(got.body, h.text("en", "desk.op.err.title_empty")) {
			t.Fatalf("the empty title's notice is not on the page\n%s", got.body)
		}
		if proposals() != 0 {
			t.Fatal("a bad proposal was recorded")
		}

		loc = wantRedirect(t, b.postForm(path+"/propose", good), path+"?ok=op_proposed")
		if got := b.get(loc); !strings.Contains(got.body, h.text("en", "desk.op.ok.proposed")) {
			t.Fatalf("the proposal's notice is not on the page\n%s", got.body)
		}
		alerts := h.openAlerts(w.tutor.ID)
		var proposal storage.Alert
		for _, a := range alerts {
			if a.Kind == storage.AlertProposal && a.BeneficiaryID == person.ID {
				proposal = a
			}
		}
		if proposal.ID == 0 || !proposal.RefID.Valid {
			t.Fatalf("the tutor has no proposal alert: %+v", alerts)
		}
		msgs := h.messages(w.tutorChat.ID)
		if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Visit the flat in via Roma") || !strings.Contains(msgs[0].Text, "Luca Operatore") {
			t.Fatalf("the tutor got %+v", msgs)
		}
		var data []string
		for _, row := range msgs[0].Buttons {
			for _, btn := range row {
				data = append(data, btn.Data)
			}
		}
		ref := proposal.RefID.Int64
		if len(data) < 2 || data[0] != notify.Data(domain.ButtonProposalAccept, ref) || data[1] != notify.Data(domain.ButtonProposalDecline, ref) {
			t.Fatalf("the tutor's alert has the buttons %v, want Accept and Decline of proposal %d", data, ref)
		}
		if got := h.outbox(chat.ID); len(got) != 0 {
			t.Fatalf("the proposal reached the person: %q", got)
		}

		wantRedirect(t, b.postForm(path+"/note", url.Values{"text": {""}}), path+"?err=op_note_empty")
		wantRedirect(t, b.postForm(path+"/note", url.Values{"text": {strings.Repeat("a", 801)}}), path+"?err=op_note_long")
		wantRedirect(t, b.postForm(path+"/note", url.Values{"text": {"The landlord called us about the deposit."}}), path+"?ok=op_noted")
		msgs = h.messages(w.tutorChat.ID)
		if len(msgs) != 2 || !strings.Contains(msgs[1].Text, "The landlord called us about the deposit.") {
			t.Fatalf("the tutor did not get the note: %+v", msgs)
		}
		if n := h.countOf(`SELECT COUNT(*) FROM alerts WHERE staff_id = ? AND kind = ?`, w.tutor.ID, storage.AlertOperatorNote); n != 1 {
			t.Fatalf("%d note alerts for the tutor", n)
		}
		if got := h.outbox(chat.ID); len(got) != 0 {
			t.Fatalf("the note reached the person: %q", got)
		}
		if es := h.audit("/note", storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != w.operator.ID {
			t.Fatalf("the note is not audited: %+v", es)
		}

		other := "/desk/people/" + w.luce.Code
		if got := b.postForm(other+"/propose", good); got.status != http.StatusNotFound {
			t.Fatalf("a proposal for another centre's person: %d", got.status)
		}
		if es := h.audit("desk.propose", storage.OutcomeDenied); len(es) != 1 || es[0].TargetID != strconv.FormatInt(w.luce.ID, 10) {
			t.Fatalf("the out-of-scope proposal is not audited: %+v", es)
		}
		steps := h.countOf(`SELECT COUNT(*) FROM plan_steps WHERE beneficiary_id = ?`, person.ID)
		for _, tc := range []struct {
			path string
			form url.Values
		}{
			{path + "/steps", url.Values{"area": {"housing"}, "title": {"Sign the lease"}}},
			{path + "/close", url.Values{"reason": {"moved"}}},
			{path + "/reply", url.Values{"text": {"Hello"}}},
			{path + "/outcomes", url.Values{"what": {"work/permanent"}, "detail": {"h21_30"}, "date": {"2026-11-30"}}},
		} {
			if got := b.postForm(tc.path, tc.form); got.status != http.StatusNotFound {
				t.Fatalf("an operator's POST %s: %d", tc.path, got.status)
			}
		}
		if es := h.audit("desk.page", storage.OutcomeDenied); len(es) != 4 {
			t.Fatalf("%d refused forms audited, want 4: %+v", len(es), es)
		}
		if h.countOf(`SELECT COUNT(*) FROM plan_steps WHERE beneficiary_id = ?`, person.ID) != steps || h.person(person.Code).Status == storage.BeneficiaryClosed ||
			len(h.outbox(chat.ID)) != 0 || h.countOf(`SELECT COUNT(*) FROM outcomes`) != 0 {
			t.Fatal("an operator's refused form changed something")
		}
		// A tutor has no operator forms: 404.
		tb := h.browser("en")
		tb.signIn(h.link(w.tutor.ID))
		if got := tb.postForm(path+"/propose", good); got.status != http.StatusNotFound {
			t.Fatalf("a tutor's proposal: %d", got.status)
		}
		// The tutor's Home names both alerts.
		home := tb.get("/desk/").body
		for _, id := range []string{"desk.op.alert_proposal", "desk.op.alert_operator_note"} {
			if !strings.Contains(home, h.text("en", id)) {
				t.Fatalf("the tutor's Home lacks %s\n%s", id, home)
			}
		}
	})
}
