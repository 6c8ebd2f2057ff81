package flows_test

import (
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
)

// TestStaffCommandsByRole tries every staff command and button of the tables against every
// role: beneficiary, a tutor of another territory, the tutor, the territory's coordinator, an
// admin. A refusal answers (staff: with what is wrong; a beneficiary: as to any unknown input),
// changes nothing — no row, no message to anyone else, no open form — and is in the audit log.
// An allowed action answers with what changed, and changes data when it should.
//
// Roles whose outcome changes nothing (refusals, lists, forms that open) share one world, one
// after the other: each run checks it changed nothing. Each role whose action changes data gets
// a world of its own.
func TestStaffCommandsByRole(t *testing.T) {
	t.Parallel()
	for _, group := range staffCaseGroups() {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) {
				var shared *staffWorld
				for _, role := range staffTestRoles {
					if tc.want[role].changes {
						t.Run(role, func(t *testing.T) {
							t.Parallel()
							runStaffCase(t, newStaffWorld(t), tc, role)
						})
						continue
					}
					if shared == nil {
						shared = newStaffWorld(t)
					}
					t.Run(role, func(t *testing.T) {
						shared.use(t)
						runStaffCase(t, shared, tc, role)
					})
				}
			})
		}
	}
}

func runStaffCase(t *testing.T, w *staffWorld, tc staffCase, role string) {
	want, listed := tc.want[role]
	if !listed && role != asBeneficiary {
		t.Fatalf("the table says nothing about %s", role)
	}
	if tc.before != nil {
		tc.before(w, role)
	}
	before := w.snapshot(role)
	denials := w.denials(role)
	input := tc.input(w)
	out := w.do(role, input)
	after := w.snapshot(role)
	if len(out) == 0 {
		t.Fatal("no answer")
	}

	switch {
	case want.foreign:
		expectNotIn(t, out, "/mine", "/step", "Language changed", "Lingua cambiata")
		for _, k := range []string{"staff", "italian staff", "menus", "invites", "steps", "leads", "alerts", "open alerts"} {
			if before[k] != after[k] {
				t.Fatalf("%s changed: %d -> %d", k, before[k], after[k])
			}
		}
	case want.allowed:
		expectIn(t, out, want.says...)
		expectNotIn(t, out, saysDenied, saysStale)
		if w.denials(role) != denials {
			t.Fatal("an allowed action was audited as refused")
		}
		delete(before, "form open")
		delete(after, "form open")
		if same := equalCounts(before, after); same == want.changes {
			t.Fatalf("changes = %v, want %v: %v -> %v", !same, want.changes, before, after)
		}
	default:
		if role == asBeneficiary {
			// A beneficiary never learns a staff command or button exists: the answer is the one
			// to any unknown command, or to a button the bot never issued.
			probe := "/nosuchcommand"
			if strings.HasPrefix(input, "button:") {
				probe = "button:zz:1"
			}
			unknown := w.do(role, probe)
			if flowtest.Texts(out) != flowtest.Texts(unknown) {
				t.Fatalf("refusal %q differs from the answer to unknown input %q", flowtest.Texts(out), flowtest.Texts(unknown))
			}
		} else {
			expectIn(t, out, want.says...)
		}
		if !equalCounts(before, after) {
			t.Fatalf("a refused action changed %v -> %v", before, after)
		}
		if w.denials(role) <= denials {
			t.Fatal("the refusal is not in the audit log")
		}
	}
	expectNotIn(t, out, w.benChat.ID)
}
