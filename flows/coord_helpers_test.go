package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// coordWorld is a project with people in two territories, linked to chats.
type coordWorld struct {
	h                 *flowtest.Harness
	admin             *flowtest.Chat
	coordMI, coordBO  *flowtest.Chat
	tutorMI, tutorBO  *flowtest.Chat
	benMI             *flowtest.Chat
	coordMIStaff      storage.Staff
	tutorMIStaff      storage.Staff
	adminStaff        storage.Staff
	ben               storage.Beneficiary
	lab               storage.Lab
	module            storage.Module
	sessionMI         storage.Session
	sessionBO         storage.Session
	beneficiaryByCode map[string]*flowtest.Chat
}

func newCoordWorld(t *testing.T, opts ...flowtest.Option) *coordWorld {
	t.Helper()
	h := flowtest.New(t, opts...)
	w := &coordWorld{h: h, beneficiaryByCode: map[string]*flowtest.Chat{}}
	staffChat := func(role, territory, name string) (*flowtest.Chat, storage.Staff) {
		s := h.NewStaff(role, territory, name)
		chat := h.Telegram()
		h.LinkStaff(chat, s)
		return chat, s
	}
	w.admin, w.adminStaff = staffChat(storage.RoleAdmin, "", "Admin")
	w.coordMI, w.coordMIStaff = staffChat(storage.RoleCoordinator, "MI", "Chiara")
	w.coordBO, _ = staffChat(storage.RoleCoordinator, "BO", "Bruno")
	w.tutorMI, w.tutorMIStaff = staffChat(storage.RoleTutor, "MI", "Giulia")
	w.tutorBO, _ = staffChat(storage.RoleTutor, "BO", "Paolo")
	w.benMI, w.ben = w.linkedBeneficiary("MI", "fr")
	ctx := h.Ctx()
	now := h.Clock.Now()
	var err error
	if w.lab, err = storage.CreateLab(ctx, h.DB, "LabIn Lavoro", "", w.adminStaff.ID, now); err != nil {
		t.Fatal(err)
	}
	if w.module, err = storage.CreateModule(ctx, h.DB, w.lab.ID, "Il CV", now); err != nil {
		t.Fatal(err)
	}
	w.sessionMI = w.session("MI", now.Add(72*time.Hour))
	w.sessionBO = w.session("BO", now.Add(96*time.Hour))
	return w
}

func (w *coordWorld) session(territory string, at time.Time) storage.Session {
	w.h.T.Helper()
	s, err := storage.CreateSession(w.h.Ctx(), w.h.DB, storage.NewSession{ModuleID: w.module.ID, Territory: territory, StartsAt: at,
		EndsAt: at.Add(2 * time.Hour), Place: "Via Padova 36"}, w.h.Clock.Now())
	if err != nil {
		w.h.T.Fatal(err)
	}
	return s
}

// linkedBeneficiary is an onboarded beneficiary with every consent, in their own chat.
func (w *coordWorld) linkedBeneficiary(territory, lang string) (*flowtest.Chat, storage.Beneficiary) {
	w.h.T.Helper()
	chat := w.h.Telegram()
	b := w.h.LinkBeneficiary(chat, w.h.NewBeneficiary(territory, lang, w.tutorMIStaffID(territory)))
	w.beneficiaryByCode[b.Code] = chat
	return chat, b
}

func (w *coordWorld) tutorMIStaffID(territory string) int64 {
	if territory == "MI" {
		return w.tutorMIStaff.ID
	}
	return 0
}

// bothDialects runs a scenario on PostgreSQL and on SQLite.
func bothDialects(t *testing.T, f func(t *testing.T, opts ...flowtest.Option)) {
	t.Run("postgres", func(t *testing.T) { f(t) })
	t.Run("sqlite", func(t *testing.T) { f(t, flowtest.SQLite()) })
}

// expect fails unless the chat's last answer contains every want.
func expect(t *testing.T, chat *flowtest.Chat, wants ...string) {
	t.Helper()
	all := flowtest.Texts(chat.Last)
	for _, want := range wants {
		if !strings.Contains(all, want) {
			t.Fatalf("the answer lacks %q:\n%s", want, flowtest.Describe(chat.Last))
		}
	}
}

// counts returns the number of rows of the tables a coordinator's command may change.
func counts(t *testing.T, db *storage.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"labs", "lab_modules", "lab_sessions", "enrolments", "broadcasts", "broadcast_texts",
		"broadcast_deliveries", "reminders", "beneficiaries", "leads"} {
		var n int
		if err := db.Get(context.Background(), &n, `SELECT COUNT(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	var changed int
	if err := db.Get(context.Background(), &changed, `SELECT COUNT(*) FROM lab_sessions WHERE updated_at <> created_at`); err != nil {
		t.Fatal(err)
	}
	out["sessions changed"] = changed
	return out
}

// auditCount counts audit entries of an outcome.
func auditCount(t *testing.T, db *storage.DB, outcome string) int {
	t.Helper()
	var n int
	if err := db.Get(context.Background(), &n, `SELECT COUNT(*) FROM audit_log WHERE outcome = ?`, outcome); err != nil {
		t.Fatal(err)
	}
	return n
}

// queuedToBeneficiaries counts messages queued to beneficiaries other than the one in chat.
func queuedToBeneficiaries(t *testing.T, db *storage.DB, chat *flowtest.Chat) int {
	t.Helper()
	var n int
	if err := db.Get(context.Background(), &n, `SELECT COUNT(*) FROM outbox o JOIN identities i ON i.id = o.identity_id
WHERE i.beneficiary_id IS NOT NULL AND o.chat_key <> ?`, storage.ChatKey(chat.Channel, chat.ID)); err != nil {
		t.Fatal(err)
	}
	return n
}
