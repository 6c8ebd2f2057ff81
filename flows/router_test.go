package flows

import (
	"database/sql"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

func TestRouterRoleGating(t *testing.T) {
	t.Parallel()
	r := &router{routes: []Route{
		{Command: "help", Roles: domain.RoleBeneficiary, Action: "help-b"},
		{Command: "help", Roles: domain.Staff, Action: "help-s"},
		{Command: "broadcast", Roles: domain.Coordinators},
		{Button: "pl", Roles: domain.RoleBeneficiary},
		{Match: func(c *Ctx) bool { return normalizeWord(c.In.Text) == "stop" }, Roles: domain.RoleBeneficiary, Action: "stop"},
		{Step: "tutor_chat", Roles: domain.RoleBeneficiary, Action: "relay"},
		{Text: true, Roles: domain.RoleBeneficiary, Action: "text"},
	}}
	ben := domain.Actor{Beneficiary: &storage.Beneficiary{ID: 1}}
	tutor := domain.Actor{Staff: &storage.Staff{ID: 2, Role: storage.RoleTutor}}
	coord := domain.Actor{Staff: &storage.Staff{ID: 3, Role: storage.RoleCoordinator, Territory: sql.NullString{String: "MI", Valid: true}}}
	cases := []struct {
		name    string
		actor   domain.Actor
		in      bot.Incoming
		step    string
		want    string // action of the chosen route
		denied  bool
		unknown bool
	}{
		{"beneficiary help", ben, bot.Incoming{Kind: bot.KindCommand, Command: "help"}, "", "help-b", false, false},
		{"staff help", tutor, bot.Incoming{Kind: bot.KindCommand, Command: "help"}, "", "help-s", false, false},
		{"tutor broadcast", tutor, bot.Incoming{Kind: bot.KindCommand, Command: "broadcast"}, "", "", true, false},
		{"beneficiary broadcast", ben, bot.Incoming{Kind: bot.KindCommand, Command: "broadcast"}, "", "", true, false},
		{"coordinator broadcast", coord, bot.Incoming{Kind: bot.KindCommand, Command: "broadcast"}, "", "/broadcast", false, false},
		{"unknown command", ben, bot.Incoming{Kind: bot.KindCommand, Command: "nope"}, "", "", false, true},
		{"button", ben, bot.Incoming{Kind: bot.KindButton, Data: "pl:4"}, "", "button:pl", false, false},
		{"staff presses beneficiary button", tutor, bot.Incoming{Kind: bot.KindButton, Data: "pl:4"}, "", "", true, false},
		{"never issued button", ben, bot.Incoming{Kind: bot.KindButton, Data: "zz:1"}, "", "", false, true},
		{"stop beats the open step", ben, bot.Incoming{Kind: bot.KindText, Text: " STOP! "}, "tutor_chat", "stop", false, false},
		{"text at a step", ben, bot.Incoming{Kind: bot.KindText, Text: "hello"}, "tutor_chat", "relay", false, false},
		{"text without a step", ben, bot.Incoming{Kind: bot.KindText, Text: "hello"}, "", "text", false, false},
		{"text with a stale step", ben, bot.Incoming{Kind: bot.KindText, Text: "hello"}, "gone", "text", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &Ctx{In: tc.in, Actor: tc.actor, State: State{Step: tc.step}}
			res := r.pick(c)
			switch {
			case tc.denied:
				if res.denied == nil || res.route != nil {
					t.Fatalf("want denied, got %+v", res)
				}
			case tc.unknown:
				if !res.unknown {
					t.Fatalf("want unknown, got %+v", res)
				}
			default:
				if res.route == nil || res.route.action() != tc.want {
					t.Fatalf("want %s, got %+v", tc.want, res)
				}
			}
		})
	}
}

func TestCanSeeBeneficiary(t *testing.T) {
	t.Parallel()
	mi := storage.Beneficiary{ID: 1, Territory: "MI", TutorID: sql.NullInt64{Int64: 2, Valid: true}}
	bo := storage.Beneficiary{ID: 9, Territory: "BO"}
	cases := []struct {
		actor  domain.Actor
		b      storage.Beneficiary
		expect bool
	}{
		{domain.Actor{Beneficiary: &storage.Beneficiary{ID: 1}}, mi, true},
		{domain.Actor{Beneficiary: &storage.Beneficiary{ID: 5}}, mi, false},
		{domain.Actor{Staff: &storage.Staff{ID: 2, Role: "tutor"}}, mi, true},
		{domain.Actor{Staff: &storage.Staff{ID: 7, Role: "tutor"}}, mi, false},
		{domain.Actor{Staff: &storage.Staff{ID: 3, Role: "coordinator", Territory: sql.NullString{String: "MI", Valid: true}}}, mi, true},
		{domain.Actor{Staff: &storage.Staff{ID: 3, Role: "coordinator", Territory: sql.NullString{String: "MI", Valid: true}}}, bo, false},
		{domain.Actor{Staff: &storage.Staff{ID: 4, Role: "coordinator"}}, bo, true},
		{domain.Actor{Staff: &storage.Staff{ID: 5, Role: "admin"}}, bo, true},
		{domain.Actor{}, mi, false},
	}
	for i, tc := range cases {
		if got := tc.actor.CanSeeBeneficiary(tc.b); got != tc.expect {
			t.Errorf("case %d: %v, want %v", i, got, tc.expect)
		}
	}
}

func TestDataFitsAndParses(t *testing.T) {
	t.Parallel()
	d := notify.Data("pl", 123456789, "x")
	name, args := notify.ParseData(d)
	if name != "pl" || args.Str(1) != "x" {
		t.Fatalf("%q -> %q %v", d, name, args)
	}
	if n, ok := args.Int(0); !ok || n != 123456789 {
		t.Fatal("int arg")
	}
	if _, ok := args.Int(5); ok {
		t.Fatal("missing arg parsed")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("payload over 64 bytes accepted")
		}
	}()
	notify.Data("x", string(make([]byte, 70)))
}
