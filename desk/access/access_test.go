package access_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func staff(t *testing.T, db *storage.DB, role, status string) storage.Staff {
	t.Helper()
	ctx := context.Background()
	id, err := storage.CreateStaff(ctx, db, storage.NewStaff{DisplayName: "Marco Bassi", Role: role, Territory: "MI"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.SetStaffStatus(ctx, db, id, status); err != nil {
		t.Fatal(err)
	}
	s, err := storage.StaffByID(ctx, db, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("t")
}

func audited(t *testing.T, db *storage.DB, action, outcome string) []storage.AuditEntry {
	t.Helper()
	es, err := storage.AuditEntries(context.Background(), db, storage.AuditFilter{Action: action, Outcome: outcome})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestOnlyActiveStaffGetLinks(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		links := access.Links{PublicURL: "https://bot.example/"}
		active := staff(t, db, storage.RoleTutor, "active")
		link, err := links.IssueLoginLink(ctx, db, active.ID, t0)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(link, "https://bot.example/desk/login?t=") || len(tokenOf(t, link)) != 43 {
			t.Fatalf("link %q", link)
		}
		if es := audited(t, db, access.ActionLinkIssued, storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != active.ID {
			t.Fatalf("audit of the link: %+v", es)
		}
		pending := staff(t, db, storage.RoleTutor, "pending")
		disabled := staff(t, db, storage.RoleCoordinator, "disabled")
		pendingOperator := staff(t, db, storage.RoleOperator, "pending")
		b, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "fr", TutorID: active.ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ { // a beneficiary id that no staff member has
			if b, err = storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "fr"}, t0); err != nil {
				t.Fatal(err)
			}
		}
		for name, id := range map[string]int64{"pending": pending.ID, "disabled": disabled.ID, "a pending operator": pendingOperator.ID,
			"a beneficiary's id": b.ID} {
			if link, err := links.IssueLoginLink(ctx, db, id, t0); !errors.Is(err, access.ErrNotActiveStaff) || link != "" {
				t.Fatalf("%s got a link %q (%v)", name, link, err)
			}
		}
		var n int
		if err := db.Get(ctx, &n, `SELECT COUNT(*) FROM desk_login_links`); err != nil || n != 1 {
			t.Fatalf("%d links stored (%v), want only the active one's", n, err)
		}
		// A reception-centre operator, active, signs in too (the desk gives them their pages).
		operator := staff(t, db, storage.RoleOperator, "active")
		link, err = links.IssueLoginLink(ctx, db, operator.ID, t0)
		if err != nil || link == "" {
			t.Fatalf("an active operator got no link: %v", err)
		}
		if _, who, err := access.Login(ctx, db, tokenOf(t, link), t0.Add(time.Minute)); err != nil || who.ID != operator.ID {
			t.Fatalf("an active operator's login: %+v %v", who, err)
		}
	})
}

func TestLoginUsesALinkOnceWithinTenMinutes(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		links := access.Links{PublicURL: "http://127.0.0.1:8080"}
		s := staff(t, db, storage.RoleTutor, "active")
		issue := func() string {
			link, err := links.IssueLoginLink(ctx, db, s.ID, t0)
			if err != nil {
				t.Fatal(err)
			}
			return tokenOf(t, link)
		}
		good := issue()
		if who, err := access.CheckLink(ctx, db, good, t0.Add(9*time.Minute)); err != nil || who.ID != s.ID {
			t.Fatalf("check a good link: %+v %v", who, err)
		}
		session, who, err := access.Login(ctx, db, good, t0.Add(9*time.Minute))
		if err != nil || who.ID != s.ID || len(session) != 43 {
			t.Fatalf("login: %q %+v %v", session, who, err)
		}
		if _, _, err := access.Login(ctx, db, good, t0.Add(9*time.Minute)); !errors.Is(err, access.ErrLinkUsed) {
			t.Fatalf("a reused link: %v", err)
		}
		if _, err := access.CheckLink(ctx, db, good, t0.Add(9*time.Minute)); !errors.Is(err, access.ErrLinkUsed) {
			t.Fatalf("check a used link: %v", err)
		}
		late := issue()
		if _, _, err := access.Login(ctx, db, late, t0.Add(10*time.Minute)); !errors.Is(err, access.ErrLinkExpired) {
			t.Fatalf("a link at 10 minutes: %v", err)
		}
		for _, bad := range []string{"", "x", good + "x"} {
			if _, _, err := access.Login(ctx, db, bad, t0); !errors.Is(err, access.ErrLinkUnknown) {
				t.Fatalf("login with %q: %v", bad, err)
			}
		}
		// Disabled after the link was sent: no session, and the link is not spent.
		other := issue()
		if err := storage.SetStaffStatus(ctx, db, s.ID, "disabled"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := access.Login(ctx, db, other, t0.Add(time.Minute)); !errors.Is(err, access.ErrNotActiveStaff) {
			t.Fatalf("a disabled staff member's link: %v", err)
		}
		if l, err := storage.DeskLinkByToken(ctx, db, other); err != nil || l.UsedAt.Valid {
			t.Fatalf("the refused link: %+v %v", l, err)
		}
		if es := audited(t, db, access.ActionLogin, storage.OutcomeDenied); len(es) != 3 {
			t.Fatalf("%d refused logins audited, want 3 (reused, expired, disabled): %+v", len(es), es)
		}
		if es := audited(t, db, access.ActionLogin, storage.OutcomeOK); len(es) != 1 {
			t.Fatalf("%d logins audited, want 1", len(es))
		}
	})
}

func TestSessionsEndIdleDisabledOrAllAtOnce(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		links := access.Links{PublicURL: "http://127.0.0.1:8080"}
		s := staff(t, db, storage.RoleCoordinator, "active")
		login := func(at time.Time) string {
			link, err := links.IssueLoginLink(ctx, db, s.ID, at)
			if err != nil {
				t.Fatal(err)
			}
			session, _, err := access.Login(ctx, db, tokenOf(t, link), at)
			if err != nil {
				t.Fatal(err)
			}
			return session
		}
		one := login(t0)
		// Each use keeps it alive for another 12 hours.
		at := t0
		for range 3 {
			at = at.Add(11 * time.Hour)
			if who, err := access.Authenticate(ctx, db, one, at); err != nil || who.ID != s.ID {
				t.Fatalf("in use at %v: %+v %v", at, who, err)
			}
		}
		if _, err := access.Authenticate(ctx, db, one, at.Add(access.IdleTimeout)); !errors.Is(err, access.ErrSessionIdle) {
			t.Fatalf("after 12 idle hours: %v", err)
		}
		if _, err := access.Authenticate(ctx, db, one, at); !errors.Is(err, access.ErrNoSession) {
			t.Fatalf("an idle session came back: %v", err)
		}

		two, three := login(t0), login(t0)
		if err := access.Logout(ctx, db, two, s.ID, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := access.Authenticate(ctx, db, two, t0); !errors.Is(err, access.ErrNoSession) {
			t.Fatalf("after log out: %v", err)
		}
		if _, err := access.Authenticate(ctx, db, three, t0); err != nil {
			t.Fatalf("logging out one browser ended another: %v", err)
		}
		four := login(t0)
		if n, err := access.EndSessions(ctx, db, s.ID, storage.Actor{Kind: storage.ActorStaff, ID: s.ID}, t0); err != nil || n != 2 {
			t.Fatalf("ended %d sessions (%v), want 2", n, err)
		}
		for _, sess := range []string{three, four} {
			if _, err := access.Authenticate(ctx, db, sess, t0); !errors.Is(err, access.ErrNoSession) {
				t.Fatalf("after ending all: %v", err)
			}
		}

		five := login(t0)
		if err := storage.SetStaffStatus(ctx, db, s.ID, "disabled"); err != nil {
			t.Fatal(err)
		}
		if _, err := access.Authenticate(ctx, db, five, t0); !errors.Is(err, access.ErrNotActiveStaff) {
			t.Fatalf("a disabled staff member's session: %v", err)
		}
		if err := storage.SetStaffStatus(ctx, db, s.ID, "active"); err != nil {
			t.Fatal(err)
		}
		if _, err := access.Authenticate(ctx, db, five, t0); !errors.Is(err, access.ErrNoSession) {
			t.Fatalf("re-activation revived an ended session: %v", err)
		}
		if es := audited(t, db, access.ActionLogoutAll, storage.OutcomeOK); len(es) != 1 || es[0].Detail != "2 sessions" {
			t.Fatalf("ending all is audited: %+v", es)
		}
	})
}
