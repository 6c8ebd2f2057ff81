package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// asOperator is a reception-centre operator of MI-001's centre (withOperator).
const asOperator = "operator"

// withOperator adds to the world the reception centre "Casa Aurora" (MI) with MI-001 in it,
// an operator of that centre on Telegram, and MI-002, a person of another centre of MI
// followed by the same tutor.
func (w *staffWorld) withOperator() storage.Beneficiary {
	w.t.Helper()
	ctx := context.Background()
	now := w.h.Clock.Now()
	aurora, err := storage.EnsureCentre(ctx, w.h.DB, "MI", "Casa  Aurora", now)
	if err != nil {
		w.t.Fatal(err)
	}
	luce, err := storage.EnsureCentre(ctx, w.h.DB, "MI", "Casa Luce", now)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := storage.SetBeneficiaryCentre(ctx, w.h.DB, w.ben.ID, aurora.ID); err != nil {
		w.t.Fatal(err)
	}
	other, err := storage.CreateBeneficiary(ctx, w.h.DB, storage.NewBeneficiary{Territory: "MI", Lang: "fr", TutorID: w.tutor.ID, DisplayName: "Yonas"}, now)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := storage.SetBeneficiaryCentre(ctx, w.h.DB, other.ID, luce.ID); err != nil {
		w.t.Fatal(err)
	}
	id, err := storage.CreateStaff(ctx, w.h.DB, storage.NewStaff{DisplayName: "Luca", Role: storage.RoleOperator, Territory: "MI", Lang: "it", CentreID: aurora.ID}, now)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := storage.SetStaffStatus(ctx, w.h.DB, id, "active"); err != nil {
		w.t.Fatal(err)
	}
	if w.operator, err = storage.StaffByID(ctx, w.h.DB, id); err != nil {
		w.t.Fatal(err)
	}
	chat := w.h.Telegram()
	w.h.LinkStaff(chat, w.operator)
	w.chats[asOperator] = chat
	return other
}

// TestOperatorFollowsTheirCentre: an operator sees the people of their reception centre and
// no one else's, proposes a step that reaches the person only once the tutor accepts it, and
// writes to the tutor; a second answer to the proposal, and one from a tutor of another
// territory, change nothing.
func TestOperatorFollowsTheirCentre(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, opts ...flowtest.Option) {
		w := newStaffWorld(t, opts...)
		other := w.withOperator()
		tutorChat := w.chats[asTutor]

		out := w.do(asOperator, "/mine")
		expectIn(t, out, "1 persona del tuo centro di accoglienza", "MI-001 · Amina")
		expectNotIn(t, out, other.Code)

		out = w.do(asOperator, "/b MI-001")
		expectIn(t, out, "MI-001 · Amina", "Cercare una stanza", "/propose MI-001")
		expectNotIn(t, out, "Contratti d'affitto", "Stanza in Via Padova") // labs and leads: not theirs to see

		denied := w.denials(asOperator)
		out = w.do(asOperator, "/b "+other.Code)
		expectIn(t, out, "Nessun beneficiario "+other.Code)
		expectNotIn(t, out, "Yonas")
		if w.denials(asOperator) != denied+1 {
			t.Fatal("looking at another centre's person is not audited as refused")
		}
		out = w.do(asOperator, "/propose "+other.Code+" casa Visitare la stanza")
		expectIn(t, out, "Nessun beneficiario "+other.Code)
		if n := w.count(`SELECT COUNT(*) FROM step_proposals`); n != 0 {
			t.Fatalf("%d proposals after a refused one", n)
		}

		steps := w.count(`SELECT COUNT(*) FROM plan_steps WHERE beneficiary_id = ?`, w.ben.ID)
		out = w.do(asOperator, "/propose mi-001 casa Visitare la stanza in via Roma")
		expectIn(t, out, "Inviato al tutor di MI-001")
		if got := w.benChat.Inbox(); len(got) != 0 {
			t.Fatalf("the person heard of a proposal before the tutor accepted it: %s", flowtest.Describe(got))
		}
		alert := tutorChat.Inbox()
		expectIn(t, alert, "Luca (centro di accoglienza) propone un passo per MI-001", "Visitare la stanza in via Roma")
		var p storage.Proposal
		if err := w.h.DB.Get(context.Background(), &p, `SELECT id, beneficiary_id, proposed_by, area, title, status, step_id,
decided_by, decided_at, created_at FROM step_proposals`); err != nil {
			t.Fatal(err)
		}
		accept := fmt.Sprintf("button:%s:%d", domain.ButtonProposalAccept, p.ID)
		if !strings.Contains(fmt.Sprint(alert[0].Buttons), fmt.Sprintf("%s:%d", domain.ButtonProposalAccept, p.ID)) {
			t.Fatalf("the alert has no Accept button: %s", flowtest.Describe(alert))
		}

		// A tutor of another territory cannot answer it.
		out = w.do(asOtherTutor, accept)
		expectIn(t, out, saysDenied)
		if n := w.count(`SELECT COUNT(*) FROM plan_steps WHERE beneficiary_id = ?`, w.ben.ID); n != steps {
			t.Fatal("a foreign tutor's Accept added a step")
		}

		out = w.do(asTutor, accept)
		expectIn(t, out, "Aggiunto al piano di MI-001 come passo 3")
		if n := w.count(`SELECT COUNT(*) FROM plan_steps WHERE beneficiary_id = ? AND title = 'Visitare la stanza in via Roma'`, w.ben.ID); n != 1 {
			t.Fatalf("%d accepted steps in the plan, want 1", n)
		}
		expectIn(t, w.benChat.Inbox(), "Visitare la stanza in via Roma")
		expectIn(t, w.chats[asOperator].Inbox(), "ha accettato la tua proposta")
		out = w.do(asTutor, accept)
		expectIn(t, out, "già stata data una risposta")
		out = w.do(asTutor, fmt.Sprintf("button:%s:%d", domain.ButtonProposalDecline, p.ID))
		expectIn(t, out, "già stata data una risposta")
		if n := w.count(`SELECT COUNT(*) FROM plan_steps WHERE beneficiary_id = ?`, w.ben.ID); n != steps+1 {
			t.Fatalf("%d steps after answering twice, want %d", n, steps+1)
		}
		if n := w.count(`SELECT COUNT(*) FROM alerts WHERE kind = 'proposal' AND handled_at IS NULL`); n != 0 {
			t.Fatalf("%d proposal alerts still open after the answer", n)
		}

		out = w.do(asOperator, "/note MI-001 Ha chiamato il proprietario, vuole parlare con il tutor")
		expectIn(t, out, "Inviato al tutor di MI-001")
		expectIn(t, tutorChat.Inbox(), "Luca (centro di accoglienza) scrive su MI-001", "Ha chiamato il proprietario")
		if got := w.benChat.Inbox(); len(got) != 0 {
			t.Fatalf("an operator's note reached the person: %s", flowtest.Describe(got))
		}
		expectIn(t, w.do(asTutor, "/alerts"), "nota: Ha chiamato il proprietario")
	})
}

// TestOperatorCannotDoWhatATutorDoes: every tutor command and button of the role table, and
// the coordinators' commands, sent by an operator: refused (audited) or answered as stale,
// nothing changed, nothing reaches the person or the tutor. Help, language and cancel work.
func TestOperatorCannotDoWhatATutorDoes(t *testing.T) {
	t.Parallel()
	allowed := map[string]bool{"/mine": true, "/b": true, "/labs": true, "/help": true, "/lang": true, "lang button": true, "cancel button": true}
	cases := append([]staffCase{}, tutorCases...)
	for _, c := range []string{"/session", "/lab", "/labs", "/module", "/enrol 1 MI-001", "/broadcast", "/broadcasts",
		"/stats", "/export", "/invite tutor MI", "/invite operator MI Casa Nuova", "/plan", "/housing", "/jobs", "/privacy",
		"/close MI-001", "/reopen MI-001", "/outcome MI-001", "/reassign MI-001", "/deactivate"} {
		cases = append(cases, staffCase{name: c, input: cmd(c)})
	}
	w := newStaffWorld(t)
	w.withOperator()
	for _, tc := range cases {
		if allowed[tc.name] {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			w.use(t)
			if tc.before != nil {
				tc.before(w, asOperator)
			}
			before := w.snapshot(asOperator)
			denials := w.denials(asOperator)
			out := w.do(asOperator, tc.input(w))
			if len(out) == 0 {
				t.Fatal("no answer")
			}
			expectNotIn(t, out, "Amina", "Cercare una stanza")
			if after := w.snapshot(asOperator); !equalCounts(before, after) {
				t.Fatalf("an operator's %s changed %v -> %v", tc.name, before, after)
			}
			if w.denials(asOperator) <= denials {
				t.Fatalf("the refusal of %s is not in the audit log: %s", tc.name, flowtest.Describe(out))
			}
			if got := w.benChat.Inbox(); len(got) != 0 {
				t.Fatalf("the person received %s", flowtest.Describe(got))
			}
			if got := w.chats[asTutor].Inbox(); len(got) != 0 {
				t.Fatalf("the tutor received %s", flowtest.Describe(got))
			}
		})
	}
	for _, in := range []string{"/help", "/lang en"} {
		if out := w.do(asOperator, in); len(out) == 0 || strings.Contains(flowtest.Texts(out), saysDenied) {
			t.Fatalf("%s: %s", in, flowtest.Describe(out))
		}
	}
}

// TestCoordinatorInvitesAnOperator: /invite operator <territory> <centre> from a coordinator
// creates a pending operator of that centre whose code makes them one; a tutor is refused, a
// territory the coordinator may not use is refused, and a missing centre gets the usage.
func TestCoordinatorInvitesAnOperator(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	staff := w.count(`SELECT COUNT(*) FROM staff`)

	expectIn(t, w.do(asTutor, "/invite operator MI Casa Aurora"), saysDenied)
	expectIn(t, w.do(asCoordinator, "/invite operator BO Casa Aurora"), "Non puoi operare nel territorio BO")
	expectIn(t, w.do(asCoordinator, "/invite operator MI"), "/invite operator <territorio> <centro di accoglienza>")
	if n := w.count(`SELECT COUNT(*) FROM staff`); n != staff {
		t.Fatalf("refused invites created %d staff", n-staff)
	}

	out := w.do(asCoordinator, "/invite operator mi Casa Aurora")
	expectIn(t, out, "Nuovo operatore di «Casa Aurora» (MI)")
	m := inviteCode.FindStringSubmatch(out[0].Text)
	if m == nil {
		t.Fatalf("no code in %s", out[0].Text)
	}
	chat := w.h.Telegram()
	chat.Send("/start " + m[1])
	ident, err := storage.IdentityByExternal(ctx, w.h.DB, chat.Channel, chat.ID)
	if err != nil || !ident.StaffID.Valid {
		t.Fatalf("the code did not link an operator: %+v %v", ident, err)
	}
	op, err := storage.StaffByID(ctx, w.h.DB, ident.StaffID.Int64)
	if err != nil || op.Role != storage.RoleOperator || op.Status != "active" || !op.CentreID.Valid {
		t.Fatalf("operator = %+v %v", op, err)
	}
	c, err := storage.CentreByID(ctx, w.h.DB, op.CentreID.Int64)
	if err != nil || c.Name != "Casa Aurora" || c.Territory != "MI" {
		t.Fatalf("centre = %+v %v", c, err)
	}
	help := chat.Send("/help")
	expectIn(t, help, "/propose", "/note", "/mine")
	expectNotIn(t, help, "/step", "/reply", "/alerts", "/invite")
}
