package flows_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// TestHelpListsExactlyTheRolesCommands: /help (and /menu) shows every command of the menu of the
// caller's role and nothing else; staff input nothing takes gets the same list.
func TestHelpListsExactlyTheRolesCommands(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	it := w.h.Catalog.For("it")
	for role, r := range map[string]domain.Role{asTutor: domain.RoleTutor, asCoordinator: domain.RoleCoordinator, asAdmin: domain.RoleAdmin} {
		menu := w.h.Engine.Menu(r, it)
		var want []string
		for _, c := range menu {
			want = append(want, "/"+c.Command+" — "+c.Description)
		}
		for _, in := range []string{"/help", "/menu"} {
			out := w.do(role, in)
			if len(out) != 1 {
				t.Fatalf("%s %s: %s", role, in, flowtest.Describe(out))
			}
			var got []string
			for _, line := range strings.Split(out[0].Text, "\n") {
				if strings.HasPrefix(line, "/") {
					got = append(got, line)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s %s lists\n%v\nwant\n%v", role, in, got, want)
			}
		}
		for _, c := range []string{"mine", "b", "alerts", "reply", "step", "invite", "lead", "attendance", "lang", "help"} {
			if !slices.ContainsFunc(menu, func(m bot.Command) bool { return m.Command == c }) {
				t.Fatalf("%s menu lacks /%s", role, c)
			}
		}
	}
	for _, c := range w.h.Engine.Menu(domain.RoleBeneficiary, it) {
		if c.Command == "mine" || c.Command == "step" || c.Command == "attendance" {
			t.Fatalf("a beneficiary's menu has /%s", c.Command)
		}
	}
	tutor := w.chats[asTutor]
	expectIn(t, tutor.Send("ciao"), "Non ho capito", "/mine — ", "/attendance — ")
	expectIn(t, tutor.Media("sticker"), "Non ho capito", "/mine — ")
}

var telegramCommand = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// TestStaffMenusFitTelegram: every staff menu, in Italian and English, is what setMyCommands
// takes: names of 1-32 lowercase letters, digits or underscores, descriptions of 3-256
// characters.
func TestStaffMenusFitTelegram(t *testing.T) {
	t.Parallel()
	h := flowtest.New(t)
	for _, lang := range []string{"it", "en"} {
		for _, r := range []domain.Role{domain.RoleTutor, domain.RoleCoordinator, domain.RoleAdmin} {
			for _, c := range h.Engine.Menu(r, h.Catalog.For(lang)) {
				n := utf8.RuneCountInString(c.Description)
				if !telegramCommand.MatchString(c.Command) || n < 3 || n > 256 {
					t.Errorf("%s %v: /%s %q", lang, r, c.Command, c.Description)
				}
			}
		}
	}
}

// TestStaffMenuUpdateAndLang: StaffMenuUpdate queues the role's menu in the staff member's
// language to every reachable identity; /lang switches the language, answers in the new one,
// queues the new menu, and is audited.
func TestStaffMenuUpdateAndLang(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	now := w.h.Clock.Now()
	tutor := w.chats[asTutor]
	// A second, unreachable identity (a web chat the tutor left) gets nothing.
	gone, err := storage.LinkIdentity(ctx, w.h.DB, storage.NewIdentity{Channel: storage.ChannelWebchat, ExternalID: "w1", ChatID: "w1", StaffID: w.tutor.ID}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.SetUnreachable(ctx, w.h.DB, gone.ID, &now); err != nil {
		t.Fatal(err)
	}
	if err := w.h.DB.InTx(ctx, func(tx *storage.Tx) error {
		return w.h.Engine.StaffMenuUpdate(ctx, tx, w.tutor.ID, now)
	}); err != nil {
		t.Fatal(err)
	}
	got := tutor.Inbox()
	want := w.h.Engine.Menu(domain.RoleTutor, w.h.Catalog.For("it"))
	if len(got) != 1 || got[0].Text != "" || !slices.Equal(got[0].Commands, want) || got[0].Lang != "it" {
		t.Fatalf("menu update = %+v", got)
	}
	if n := w.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'menu' AND identity_id = ?`, gone.ID); n != 0 {
		t.Fatal("a menu went to an unreachable identity")
	}

	out := tutor.Send("/lang en")
	var texts, menus []bot.Outgoing
	for _, m := range out {
		if len(m.Commands) > 0 {
			menus = append(menus, m)
		} else {
			texts = append(texts, m)
		}
	}
	expectIn(t, texts, "Language changed: from now on I write to you in English.")
	if len(menus) != 1 || !slices.Equal(menus[0].Commands, w.h.Engine.Menu(domain.RoleTutor, w.h.Catalog.For("en"))) {
		t.Fatalf("menus after /lang = %+v", menus)
	}
	if s, _ := storage.StaffByID(ctx, w.h.DB, w.tutor.ID); s.Lang != "en" {
		t.Fatalf("lang = %q", s.Lang)
	}
	expectIn(t, tutor.Send("/help"), "Your commands:", "/mine — your beneficiaries")
	expectIn(t, tutor.Send("/lang english"), "«english» is not a language I speak")
	expectIn(t, tutor.Send("/lang en"), "You already read the bot in English. Nothing was changed.")
	expectIn(t, tutor.Send("/lang it en"), "Write /lang followed by a language code")
	expectIn(t, tutor.Send("/lang"), "Choose a language")
	expectIn(t, tutor.Tap("Italiano"), "Lingua cambiata")
	entries, _ := storage.AuditEntries(ctx, w.h.DB, storage.AuditFilter{Action: "/lang"})
	if len(entries) != 2 || entries[1].Detail != "it -> en" || entries[0].Detail != "en -> it" {
		t.Fatalf("audit = %+v", entries)
	}
	// A disabled staff member gets no menu.
	if err := storage.SetStaffStatus(ctx, w.h.DB, w.other.ID, "disabled"); err != nil {
		t.Fatal(err)
	}
	if err := w.h.DB.InTx(ctx, func(tx *storage.Tx) error {
		return w.h.Engine.StaffMenuUpdate(ctx, tx, w.other.ID, now)
	}); err != nil {
		t.Fatal(err)
	}
	if got := w.chats[asOtherTutor].Inbox(); len(got) != 0 {
		t.Fatalf("a disabled staff member got %+v", got)
	}
}
