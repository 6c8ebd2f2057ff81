package flows_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// The coordinators' commands against every role. Kept apart from the journeys' own tests so
// the tutors' table can be merged with it.

// Roles of the table, in the order they are tried (asBeneficiary, asTutor and asAdmin are the
// staff table's, staff_world_test.go).
const (
	asTutorOther   = "tutor of another territory"
	asCoordOther   = "coordinator of another territory"
	asCoord        = "coordinator of the territory"
	deniedByRole   = "Questo comando non è disponibile per il tuo ruolo"
	beneficiaryErr = "not available for your role" // a beneficiary must never read it
	// fallback is whatever the role's fallback answers (a stale or forged button).
	fallback = ""
)

func (w *coordWorld) chatOf(role string) *flowtest.Chat {
	switch role {
	case asBeneficiary:
		return w.benMI
	case asTutorOther:
		return w.tutorBO
	case asTutor:
		return w.tutorMI
	case asCoordOther:
		return w.coordBO
	case asCoord:
		return w.coordMI
	}
	return w.admin
}

// input is what a role sends: a command line or a button payload. A destructive button
// (action set) gets the one-time token its question would have issued to the chat pressing it.
type input struct {
	text, button   string
	action, target string
}

// withToken adds to a destructive button the token issued, with its question, to chat.
func (w *coordWorld) withToken(t *testing.T, chat *flowtest.Chat, in input) string {
	t.Helper()
	ctx := w.h.Ctx()
	ident, err := storage.IdentityByExternal(ctx, w.h.DB, chat.Channel, chat.ID)
	if err != nil {
		t.Fatal(err)
	}
	token, err := storage.IssueConfirmToken(ctx, w.h.DB, ident.ID, in.action, in.target, time.Hour, w.h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return in.button + ":" + token
}

// draftOf creates a draft broadcast of the MI coordinator.
func (w *coordWorld) draftOf(t *testing.T) int64 {
	t.Helper()
	b, err := storage.CreateBroadcast(w.h.Ctx(), w.h.DB, w.coordMIStaff.ID, "MI", "Domani laboratorio", 0, w.h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return b.ID
}

func TestCoordinatorCommandsForEveryRole(t *testing.T) {
	t.Parallel()
	tutorsDenied := map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole}
	// ok maps a role to what its answer contains when the command runs; refused to what it
	// contains when the command is refused. A role in neither is a beneficiary: refused as
	// unknown input.
	cases := []struct {
		name    string
		in      func(t *testing.T, w *coordWorld) input
		ok      map[string]string
		refused map[string]string
		changes bool // a run changes data (and is audited)
	}{
		{name: "/labs", in: func(*testing.T, *coordWorld) input { return input{text: "/labs"} },
			// A beneficiary's /labs is their own labs screen (another route), never the staff list.
			ok: map[string]string{asBeneficiary: "📚", asTutorOther: "Laboratori, moduli", asTutor: "Via Padova 36 (MI)", asCoordOther: "Laboratori, moduli",
				asCoord: "Via Padova 36 (MI)", asAdmin: "Via Padova 36 (MI)"}},
		{name: "/lab add", in: func(*testing.T, *coordWorld) input { return input{text: "/lab add Teatro"} },
			ok: map[string]string{asCoordOther: "«Teatro» creato", asCoord: "«Teatro» creato", asAdmin: "«Teatro» creato"}, refused: tutorsDenied, changes: true},
		{name: "/module add", in: func(t *testing.T, w *coordWorld) input {
			lab, err := storage.CreateLabIn(w.h.Ctx(), w.h.DB, "MI", "Cucina", "", w.coordMIStaff.ID, w.h.Clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			return input{text: fmt.Sprintf("/module add %d Ricette", lab.ID)}
		},
			ok:      map[string]string{asCoord: "«Ricette» aggiunto", asAdmin: "«Ricette» aggiunto"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: "è del territorio MI: non puoi modificarlo"},
			changes: true},
		{name: "/module add to a project-wide lab", in: func(_ *testing.T, w *coordWorld) input {
			return input{text: fmt.Sprintf("/module add %d Ricette", w.lab.ID)}
		},
			ok: map[string]string{asAdmin: "«Ricette» aggiunto"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: "è di tutto il progetto",
				asCoord: "è di tutto il progetto"},
			changes: true},
		{name: "/session add", in: func(_ *testing.T, w *coordWorld) input {
			return input{text: fmt.Sprintf("/session add %d MI 15/12/2025 10:00 Via Roma 1", w.module.ID)}
		},
			ok:      map[string]string{asCoord: "fissata", asAdmin: "fissata"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: "Il territorio MI non è tra i tuoi"}, changes: true},
		{name: "/session move", in: func(_ *testing.T, w *coordWorld) input {
			s := w.session("MI", w.h.Clock.Now().Add(48*60*60e9))
			return input{text: fmt.Sprintf("/session move %d 20/12/2025 11:00", s.ID)}
		},
			ok:      map[string]string{asCoord: "spostata", asAdmin: "spostata"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: "Nessuna sessione #"}, changes: true},
		{name: "/session cancel", in: func(_ *testing.T, w *coordWorld) input {
			s := w.session("MI", w.h.Clock.Now().Add(48*60*60e9))
			return input{text: fmt.Sprintf("/session cancel %d", s.ID)}
		},
			ok:      map[string]string{asCoord: "Annullare la sessione", asAdmin: "Annullare la sessione"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: "Nessuna sessione #"}},
		{name: "session cancel button", in: func(_ *testing.T, w *coordWorld) input {
			s := w.session("MI", w.h.Clock.Now().Add(48*60*60e9))
			return input{button: "kscy", action: "session cancel", target: fmt.Sprint(s.ID)}
		},
			ok:      map[string]string{asCoord: "annullata", asAdmin: "annullata"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: "Nessuna sessione #"}, changes: true},
		{name: "/enrol", in: func(_ *testing.T, w *coordWorld) input {
			s := w.session("MI", w.h.Clock.Now().Add(48*60*60e9))
			return input{text: fmt.Sprintf("/enrol %d %s", s.ID, w.ben.Code)}
		},
			ok:      map[string]string{asCoord: "Iscritto ora", asAdmin: "Iscritto ora"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: "Nessuna sessione #"}, changes: true},
		{name: "/broadcast", in: func(*testing.T, *coordWorld) input { return input{text: "/broadcast MI Domani laboratorio"} },
			ok:      map[string]string{asCoord: "Anteprima dell'avviso", asAdmin: "Anteprima dell'avviso"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: "Il territorio MI non è tra i tuoi"}, changes: true},
		{name: "/broadcasts", in: func(*testing.T, *coordWorld) input { return input{text: "/broadcasts"} },
			ok: map[string]string{asCoordOther: "Nessun avviso", asCoord: "Nessun avviso", asAdmin: "Nessun avviso"}, refused: tutorsDenied},
		{name: "/stats", in: func(*testing.T, *coordWorld) input { return input{text: "/stats MI"} },
			ok:      map[string]string{asCoord: "Cifre: Milano (MI)", asAdmin: "Cifre: Milano (MI)"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: "Il territorio MI non è tra i tuoi"}},
		{name: "/export", in: func(*testing.T, *coordWorld) input { return input{text: "/export MI"} },
			ok:      map[string]string{asCoord: "Dati per la ricerca, Milano (MI)", asAdmin: "Dati per la ricerca, Milano (MI)"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: "Il territorio MI non è tra i tuoi"}, changes: true},
		{name: "confirm button", in: func(t *testing.T, w *coordWorld) input {
			id := w.draftOf(t)
			return input{button: fmt.Sprintf("kbc:%d", id), action: "broadcast send", target: fmt.Sprint(id)}
		},
			ok: map[string]string{asCoord: "in partenza", asAdmin: "Chi l'ha scritto riceverà"},
			// Someone else's broadcast is input the bot does not know: the staff fallback answers.
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: fallback}, changes: true},
		{name: "cancel button", in: func(t *testing.T, w *coordWorld) input {
			id := w.draftOf(t)
			return input{button: fmt.Sprintf("kbx:%d", id), action: "broadcast cancel", target: fmt.Sprint(id)}
		},
			ok:      map[string]string{asCoord: "annullato", asAdmin: "annullato"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: fallback}, changes: true},
		{name: "stats button", in: func(*testing.T, *coordWorld) input { return input{button: "kst:MI"} },
			ok:      map[string]string{asCoord: "Cifre: Milano (MI)", asAdmin: "Cifre: Milano (MI)"},
			refused: map[string]string{asTutorOther: deniedByRole, asTutor: deniedByRole, asCoordOther: fallback}},
		{name: "form button", in: func(*testing.T, *coordWorld) input { return input{button: "kfs:sa"} },
			ok:      map[string]string{asCoordOther: "Di quale modulo", asCoord: "Di quale modulo", asAdmin: "Di quale modulo"},
			refused: tutorsDenied},
	}
	roles := []string{asBeneficiary, asTutorOther, asTutor, asCoordOther, asCoord, asAdmin}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newCoordWorld(t)
			for _, role := range roles {
				in := tc.in(t, w)
				chat := w.chatOf(role)
				before := counts(t, w.h.DB)
				deniedBefore, okBefore := auditCount(t, w.h.DB, storage.OutcomeDenied), auditCount(t, w.h.DB, storage.OutcomeOK)
				toBeneficiaries := queuedToBeneficiaries(t, w.h.DB, chat)
				if in.button != "" && in.action != "" && role != asBeneficiary {
					chat.Press(w.withToken(t, chat, in))
				} else if in.button != "" {
					chat.Press(in.button)
				} else {
					chat.Send(in.text)
				}
				answer := flowtest.Texts(chat.Last)
				if len(chat.Last) == 0 {
					t.Fatalf("%s: no answer to %v", role, in)
				}
				if want, ok := tc.ok[role]; ok {
					if !strings.Contains(answer, want) {
						t.Fatalf("%s: answer lacks %q:\n%s", role, want, flowtest.Describe(chat.Last))
					}
					if role == asBeneficiary && (strings.Contains(answer, "Laboratori, moduli") || strings.Contains(answer, "/session")) {
						t.Fatalf("a beneficiary saw the staff answer:\n%s", flowtest.Describe(chat.Last))
					}
					if tc.changes && auditCount(t, w.h.DB, storage.OutcomeOK) == okBefore {
						t.Errorf("%s: %s ran without an audit entry", role, tc.name)
					}
					continue
				}
				switch want, ok := tc.refused[role]; {
				case ok && !strings.Contains(answer, want):
					t.Fatalf("%s: refusal lacks %q:\n%s", role, want, flowtest.Describe(chat.Last))
				case (tc.ok[asCoord] != "" && strings.Contains(answer, tc.ok[asCoord])) || strings.Contains(answer, tc.ok[asAdmin]):
					t.Fatalf("%s: refused, yet answered as a success:\n%s", role, flowtest.Describe(chat.Last))
				case !ok && (strings.Contains(answer, beneficiaryErr) || strings.Contains(answer, "/session") || strings.Contains(answer, "Anteprima")):
					t.Fatalf("%s: a beneficiary learnt of a staff command:\n%s", role, flowtest.Describe(chat.Last))
				}
				if after := counts(t, w.h.DB); !maps.Equal(before, after) {
					t.Fatalf("%s: refused %s changed data:\nbefore %v\nafter  %v", role, tc.name, before, after)
				}
				if n := queuedToBeneficiaries(t, w.h.DB, chat); n != toBeneficiaries {
					t.Fatalf("%s: refused %s queued %d messages to beneficiaries", role, tc.name, n-toBeneficiaries)
				}
				if auditCount(t, w.h.DB, storage.OutcomeDenied) == deniedBefore {
					t.Fatalf("%s: refused %s left no denial in the audit log", role, tc.name)
				}
			}
		})
	}
}

func TestMenusListTheCoordinatorsCommandsOnlyToThem(t *testing.T) {
	t.Parallel()
	h := flowtest.New(t)
	it := h.Catalog.For("it")
	names := func(role domain.Role) []string {
		var out []string
		for _, c := range h.Engine.Menu(role, it) {
			if c.Description == "" || strings.Contains(c.Description, "qualcosa non ha funzionato") {
				t.Fatalf("/%s has no description", c.Command)
			}
			out = append(out, c.Command)
		}
		return out
	}
	coord := names(domain.RoleCoordinator)
	for _, c := range []string{"labs", "lab", "module", "session", "enrol", "broadcast", "broadcasts", "stats", "export"} {
		if !slices.Contains(coord, c) || !slices.Contains(names(domain.RoleAdmin), c) {
			t.Errorf("/%s missing from the coordinators' and admins' menus", c)
		}
	}
	tutor := names(domain.RoleTutor)
	if !slices.Contains(tutor, "labs") || slices.Contains(tutor, "broadcast") || slices.Contains(tutor, "export") {
		t.Errorf("tutor menu = %v", tutor)
	}
	if ben := names(domain.RoleBeneficiary); slices.Contains(ben, "lab") || slices.Contains(ben, "session") || slices.Contains(ben, "broadcast") {
		t.Errorf("beneficiary menu = %v", ben)
	}
}
