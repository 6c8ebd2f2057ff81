package flows_test

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

var deskLink = regexp.MustCompile(`https://insidebot\.example/desk/login\?t=[A-Za-z0-9_-]+`)

// /desk on Telegram: every staff role (operators too) gets a one-time sign-in link valid 10 minutes that opens
// the desk for them; /desk logout ends all their desk sessions and says how many; a
// beneficiary gets the usual answer to a command they do not have.
func TestDeskCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := h.Ctx()
	it := h.Catalog.For("it")
	for _, role := range []string{storage.RoleTutor, storage.RoleCoordinator, storage.RoleAdmin, storage.RoleOperator} {
		s := h.NewStaff(role, "MI", "Giulia")
		chat := h.Telegram()
		h.LinkStaff(chat, s)

		out := chat.Send("/desk")
		if len(out) != 1 {
			t.Fatalf("%s /desk: %s", role, flowtest.Describe(out))
		}
		links := deskLink.FindAllString(out[0].Text, -1)
		if len(links) != 1 || !strings.Contains(out[0].Text, "10 minuti") || !strings.Contains(out[0].Text, "/desk logout") {
			t.Fatalf("%s /desk answers %q", role, out[0].Text)
		}
		u, err := url.Parse(links[0])
		if err != nil {
			t.Fatal(err)
		}
		token := u.Query().Get("t")
		who, err := access.CheckLink(ctx, h.DB, token, h.Clock.Now())
		if err != nil || who.ID != s.ID {
			t.Fatalf("%s: the link signs in %+v, %v", role, who, err)
		}
		if _, err := access.CheckLink(ctx, h.DB, token, h.Clock.Now().Add(access.LinkTTL)); !errors.Is(err, access.ErrLinkExpired) {
			t.Fatalf("%s: the link still works after 10 minutes: %v", role, err)
		}
		first, _, err := access.Login(ctx, h.DB, token, h.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := access.Login(ctx, h.DB, token, h.Clock.Now()); !errors.Is(err, access.ErrLinkUsed) {
			t.Fatalf("%s: the link worked twice: %v", role, err)
		}
		// A second session, from another link.
		second := deskLink.FindString(chat.Send("/desk")[0].Text)
		if second == "" || second == links[0] {
			t.Fatalf("%s: no new link", role)
		}
		u, _ = url.Parse(second)
		if _, _, err := access.Login(ctx, h.DB, u.Query().Get("t"), h.Clock.Now()); err != nil {
			t.Fatal(err)
		}

		expectIn(t, chat.Send("/desk logout"), it.T("deskcmd.logged_out", "Ended", 2))
		if _, err := access.Authenticate(ctx, h.DB, first, h.Clock.Now()); !errors.Is(err, access.ErrNoSession) {
			t.Fatalf("%s: a session survived /desk logout: %v", role, err)
		}
		expectIn(t, chat.Send("/desk LOGOUT"), it.T("deskcmd.logout_none"))
		expectIn(t, chat.Send("/desk please"), it.T("deskcmd.usage"))
		if n := count(h, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_id = ?`, access.ActionLinkIssued, itoa(s.ID)); n != 2 {
			t.Fatalf("%s: %d links audited", role, n)
		}
		if n := count(h, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_id = ?`, access.ActionLogoutAll, itoa(s.ID)); n != 2 {
			t.Fatalf("%s: %d logouts audited", role, n)
		}
	}

	// /help (and Telegram's command menu) lists /desk for staff and operators only.
	for _, r := range []domain.Role{domain.RoleTutor, domain.RoleCoordinator, domain.RoleAdmin, domain.RoleOperator} {
		if !slices.ContainsFunc(h.Engine.Menu(r, it), func(c bot.Command) bool { return c.Command == "desk" }) {
			t.Errorf("%v menu lacks /desk", r)
		}
	}
	if slices.ContainsFunc(h.Engine.Menu(domain.RoleBeneficiary, it), func(c bot.Command) bool { return c.Command == "desk" }) {
		t.Error("a beneficiary's menu has /desk")
	}
	tutor := h.NewStaff(storage.RoleTutor, "MI", "Marco")
	tchat := h.Telegram()
	h.LinkStaff(tchat, tutor)
	expectIn(t, tchat.Send("/help"), "/desk — "+it.T("staffhelp.desk"))

	// A beneficiary: the same answer as any command they do not have, and no link.
	c, _ := member(h, "en", tutor.ID)
	want := flowtest.Texts(c.Send("/nosuchcommand"))
	got := flowtest.Texts(c.Send("/desk"))
	if got != want || deskLink.MatchString(got) {
		t.Fatalf("a beneficiary's /desk answers %q, want %q", got, want)
	}
	got = flowtest.Texts(c.Send("/desk logout"))
	if got != want {
		t.Fatalf("a beneficiary's /desk logout answers %q, want %q", got, want)
	}
}
