package flows_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Roles of the staff command tests: who presses what.
const (
	asBeneficiary = "beneficiary" // MI-001 herself
	asOtherTutor  = "other tutor" // a tutor of BO
	asTutor       = "tutor"       // MI-001's tutor, MI
	asCoordinator = "coordinator" // the coordinator of MI
	asAdmin       = "admin"       // every territory
)

var staffTestRoles = []string{asBeneficiary, asOtherTutor, asTutor, asCoordinator, asAdmin}

// staffWorld is a small project: territory MI with a tutor, a coordinator and beneficiary
// MI-001 (English, on Telegram, with a plan, a lab session today, interest in a lead and an
// open help alert), a tutor in BO, and an admin.
type staffWorld struct {
	t     *testing.T
	h     *flowtest.Harness
	tutor storage.Staff
	other storage.Staff
	coord storage.Staff
	admin storage.Staff
	// operator is set by withOperator: a reception-centre operator of MI-001's centre.
	operator storage.Staff
	ben      storage.Beneficiary
	benChat  *flowtest.Chat
	chats    map[string]*flowtest.Chat
	step1    storage.PlanStep // documents, codice_fiscale, due 28/11/2025 (overdue)
	step2    storage.PlanStep // housing, "Cercare una stanza", in progress, due 20/12/2025
	session  storage.Session  // MI, today 9:00
	lead     storage.Lead     // MI housing, open
	alert    storage.Alert    // step_help on step 1, for the tutor
	token    string           // the one-time token of the last destructive question asked
}

// issueToken gives role's chat the token a destructive question (action, target) would carry.
func (w *staffWorld) issueToken(role, action, target string) {
	w.t.Helper()
	chat := w.chats[role]
	ident, err := storage.IdentityByExternal(context.Background(), w.h.DB, chat.Channel, chat.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	if w.token, err = storage.IssueConfirmToken(context.Background(), w.h.DB, ident.ID, action, target, time.Hour, w.h.Clock.Now()); err != nil {
		w.t.Fatal(err)
	}
}

func newStaffWorld(t *testing.T, opts ...flowtest.Option) *staffWorld {
	t.Helper()
	h := flowtest.New(t, opts...)
	ctx := context.Background()
	now := h.Clock.Now()
	w := &staffWorld{t: t, h: h, chats: map[string]*flowtest.Chat{}}
	w.tutor = h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	w.other = h.NewStaff(storage.RoleTutor, "BO", "Marco")
	w.coord = h.NewStaff(storage.RoleCoordinator, "MI", "Sara")
	w.admin = h.NewStaff(storage.RoleAdmin, "", "Anna")
	for role, s := range map[string]storage.Staff{asTutor: w.tutor, asOtherTutor: w.other, asCoordinator: w.coord, asAdmin: w.admin} {
		chat := h.Telegram()
		h.LinkStaff(chat, s)
		w.chats[role] = chat
	}
	b, err := storage.CreateBeneficiary(ctx, h.DB, storage.NewBeneficiary{Territory: "MI", Lang: "en", TutorID: w.tutor.ID, DisplayName: "Amina"}, now)
	if err != nil {
		t.Fatal(err)
	}
	w.benChat = h.Telegram()
	w.ben = h.LinkBeneficiary(w.benChat, b)
	w.chats[asBeneficiary] = w.benChat

	w.step1 = w.mustStep(storage.NewStep{BeneficiaryID: b.ID, Area: storage.AreaDocuments, StepKey: "codice_fiscale", DueDate: "2025-11-28", CreatedBy: w.tutor.ID})
	w.step2 = w.mustStep(storage.NewStep{BeneficiaryID: b.ID, Area: storage.AreaHousing, Title: "Cercare una stanza", DueDate: "2025-12-20", CreatedBy: w.tutor.ID})
	if _, err := storage.SetStepStatus(ctx, h.DB, w.step2.ID, storage.StepInProgress, storage.Actor{Kind: storage.ActorStaff, ID: w.tutor.ID}, now); err != nil {
		t.Fatal(err)
	}

	lab, err := storage.CreateLab(ctx, h.DB, "LabIn Casa", "", w.coord.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := storage.CreateModule(ctx, h.DB, lab.ID, "Contratti d'affitto", now)
	if err != nil {
		t.Fatal(err)
	}
	starts := time.Date(2025, 12, 1, 9, 0, 0, 0, h.Rome)
	w.session, err = storage.CreateSession(ctx, h.DB, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: starts, EndsAt: starts.Add(2 * time.Hour),
		Place: "Via Padova 36", CreatedBy: w.coord.ID}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Enrol(ctx, h.DB, w.session.ID, b.ID, w.coord.ID, now); err != nil {
		t.Fatal(err)
	}

	w.lead, err = storage.CreateLead(ctx, h.DB, storage.Lead{Kind: storage.LeadHousing, Territory: "MI", Title: "Stanza in Via Padova", Details: "Stanza singola"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.AddInterest(ctx, h.DB, w.lead.ID, b.ID, now); err != nil {
		t.Fatal(err)
	}

	if err := h.DB.InTx(ctx, func(tx *storage.Tx) error {
		return h.Domain.AlertTutor(ctx, tx, now, w.ben, storage.AlertStepHelp, w.step1.ID, "Codice fiscale")
	}); err != nil {
		t.Fatal(err)
	}
	alerts, err := storage.OpenAlerts(ctx, h.DB, w.tutor.ID)
	if err != nil || len(alerts) != 1 {
		t.Fatalf("alerts %v %v", alerts, err)
	}
	w.alert = alerts[0]
	for _, c := range w.chats {
		c.Inbox() // start every chat empty
	}
	return w
}

// use makes t the test that the world (and its harness) report failures to: a world shared by
// subtests one after the other.
func (w *staffWorld) use(t *testing.T) {
	w.t, w.h.T = t, t
}

func (w *staffWorld) mustStep(ns storage.NewStep) storage.PlanStep {
	w.t.Helper()
	s, err := storage.AddStep(context.Background(), w.h.DB, ns, w.h.Clock.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// actor is the staff member or beneficiary behind a role's chat.
func (w *staffWorld) actor(role string) (kind string, id int64) {
	switch role {
	case asBeneficiary:
		return storage.ActorBeneficiary, w.ben.ID
	case asOtherTutor:
		return storage.ActorStaff, w.other.ID
	case asTutor:
		return storage.ActorStaff, w.tutor.ID
	case asCoordinator:
		return storage.ActorStaff, w.coord.ID
	case asOperator:
		return storage.ActorStaff, w.operator.ID
	}
	return storage.ActorStaff, w.admin.ID
}

// do sends a command (text starting with "/"), free text, or presses a button ("button:" +
// payload) from a role's chat.
func (w *staffWorld) do(role, input string) []bot.Outgoing {
	w.t.Helper()
	chat := w.chats[role]
	if data, ok := strings.CutPrefix(input, "button:"); ok {
		return chat.Press(data)
	}
	return chat.Send(input)
}

// count runs a COUNT query.
func (w *staffWorld) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.h.DB.Get(context.Background(), &n, query, args...); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// snapshot counts everything a staff command can change, and whether a role's chat has a
// conversation step waiting. Messages to the role's own chat are not counted (refusals answer
// there).
func (w *staffWorld) snapshot(role string) map[string]int {
	w.t.Helper()
	chat := w.chats[role]
	s := map[string]int{}
	for name, q := range map[string]string{
		"beneficiaries":  `SELECT COUNT(*) FROM beneficiaries`,
		"staff":          `SELECT COUNT(*) FROM staff`,
		"invites":        `SELECT COUNT(*) FROM invites`,
		"steps":          `SELECT COUNT(*) FROM plan_steps`,
		"step changes":   `SELECT COUNT(*) FROM plan_step_history`,
		"leads":          `SELECT COUNT(*) FROM leads`,
		"open leads":     `SELECT COUNT(*) FROM leads WHERE status = 'open'`,
		"alerts":         `SELECT COUNT(*) FROM alerts`,
		"open alerts":    `SELECT COUNT(*) FROM alerts WHERE handled_at IS NULL`,
		"attendance":     `SELECT COUNT(*) FROM enrolments WHERE attendance IS NOT NULL`,
		"italian staff":  `SELECT COUNT(*) FROM staff WHERE lang = 'it'`,
		"audit ok":       `SELECT COUNT(*) FROM audit_log WHERE outcome = 'ok'`,
		"menus":          `SELECT COUNT(*) FROM outbox WHERE kind = 'menu'`,
		"sent to others": `SELECT COUNT(*) FROM outbox WHERE chat_key <> '` + storage.ChatKey(chat.Channel, chat.ID) + `'`,
	} {
		s[name] = w.count(q)
	}
	ident, err := storage.IdentityByExternal(context.Background(), w.h.DB, chat.Channel, chat.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, found, err := w.h.Redis.GetState(context.Background(), "id:"+strconv.FormatInt(ident.ID, 10)); err != nil {
		w.t.Fatal(err)
	} else if found {
		s["form open"] = 1
	}
	return s
}

// denials counts the refusals the audit log holds for a role.
func (w *staffWorld) denials(role string) int {
	kind, id := w.actor(role)
	return w.count(`SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND actor_kind = ? AND actor_id = ?`, kind, id)
}

// expectIn fails unless the texts contain every want.
func expectIn(t *testing.T, msgs []bot.Outgoing, wants ...string) {
	t.Helper()
	all := flowtest.Texts(msgs)
	for _, want := range wants {
		if !strings.Contains(all, want) {
			t.Fatalf("the answer lacks %q:\n%s", want, flowtest.Describe(msgs))
		}
	}
}

// expectNotIn fails if the texts contain any of unwanted.
func expectNotIn(t *testing.T, msgs []bot.Outgoing, unwanted ...string) {
	t.Helper()
	all := flowtest.Texts(msgs)
	for _, u := range unwanted {
		if strings.Contains(all, u) {
			t.Fatalf("the answer has %q:\n%s", u, flowtest.Describe(msgs))
		}
	}
}

// expectButtons fails unless the messages have a button for each label.
func expectButtons(t *testing.T, msgs []bot.Outgoing, labels ...string) {
	t.Helper()
	for _, label := range labels {
		if _, ok := flowtest.FindButton(msgs, label); !ok {
			t.Fatalf("no button %q:\n%s", label, flowtest.Describe(msgs))
		}
	}
}

// button builds a button payload, as "button:" input for staffWorld.do.
func button(name string, args ...any) string { return "button:" + notify.Data(name, args...) }
