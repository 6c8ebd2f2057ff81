package desk_test

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// regexpHref finds the audit log's link to older entries.
var regexpHref = regexp.MustCompile(`href="(/desk/audit\?before=[0-9]+)"`)

// The audit log: a coordinator reads what their territory's staff did and what was done to its
// people and leads, not another territory's; an admin reads everything, 50 a page; a tutor
// has no such page.
func TestAuditLogPage(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		miTutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		boTutor := h.staff(storage.RoleTutor, "BO", "active", "en", "Sara Lodi")
		mi := caseload(t, h, miTutor)
		bo := caseload(t, h, boTutor)
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri")
		admin := h.staff(storage.RoleAdmin, "", "active", "en", "Ada Admin")
		staffEntry := func(s storage.Staff, action string, b storage.Beneficiary, at time.Time) {
			if err := storage.Audit(ctx, db, storage.AuditEntry{At: at, ActorKind: storage.ActorStaff, ActorID: sql.NullInt64{Int64: s.ID, Valid: true},
				Action: action, TargetKind: "beneficiary", TargetID: strconv.FormatInt(b.ID, 10), Detail: action + " detail"}); err != nil {
				t.Fatal(err)
			}
		}
		staffEntry(miTutor, "/step add", mi[0], t0)
		staffEntry(boTutor, "/step bo", bo[0], t0)
		// The bot's own work on a Bologna person: attributable to Bologna by its target.
		if err := storage.Audit(ctx, db, storage.AuditEntry{At: t0, ActorKind: storage.ActorSystem, Action: "reminder bo",
			TargetKind: "beneficiary", TargetID: strconv.FormatInt(bo[1].ID, 10)}); err != nil {
			t.Fatal(err)
		}
		for i := range 55 {
			staffEntry(miTutor, "/step status", mi[1], t0.Add(time.Duration(i+1)*time.Minute))
		}

		cb := h.browser("en")
		cb.signIn(h.link(coord.ID))
		p := cb.get("/desk/audit")
		if p.status != http.StatusOK {
			t.Fatalf("the coordinator's audit log: %d", p.status)
		}
		rows := strings.Count(p.body, "<tr") - 1
		if rows != 50 || !strings.Contains(p.body, mi[1].Code) || !strings.Contains(p.body, "Marco Bassi") || strings.Contains(p.body, "/step bo") {
			t.Fatalf("the first page: %d rows\n%s", rows, p.body)
		}
		older := regexpHref.FindStringSubmatch(p.body)
		if older == nil {
			t.Fatalf("no link to older entries\n%s", p.body)
		}
		p2 := cb.get(strings.ReplaceAll(older[1], "&amp;", "&"))
		text := visible(p2.body)
		// 55 + the first, and the coordinator's own sign-in: the rest on page two.
		if rows := strings.Count(p2.body, "<tr") - 1; rows < 6 || !strings.Contains(text, "/step add") || strings.Contains(text, "/step bo") ||
			strings.Contains(text, "reminder bo") || strings.Contains(p2.body, `href="/desk/audit?before=`) {
			t.Fatalf("the second page: %d rows\n%s", rows, text)
		}

		ab := h.browser("en")
		ab.signIn(h.link(admin.ID))
		seen := ""
		for path := "/desk/audit"; path != ""; {
			p := ab.get(path)
			seen += visible(p.body)
			path = ""
			if m := regexpHref.FindStringSubmatch(p.body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		for _, want := range []string{"/step bo", "reminder bo", "/step add", "Sara Lodi"} {
			if !strings.Contains(seen, want) {
				t.Fatalf("the admin does not see %q", want)
			}
		}

		tb := h.browser("en")
		tb.signIn(h.link(miTutor.ID))
		h.wantPage(tb.get("/desk/audit"), http.StatusNotFound, "en", "desk.msg.not_found")
		if strings.Contains(tb.get("/desk/").body, `href="/desk/audit"`) {
			t.Fatal("a tutor's navigation offers the audit log")
		}
	})
}
