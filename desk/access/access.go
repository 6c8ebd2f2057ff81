// Package access decides who enters the desk, the staff's web console, and for how long:
// one-time login links (valid 10 minutes, used once) and sessions (ended after 12 hours
// without use, by "Log out", or all at once for a staff member). Only active staff get
// either, and a session stops working the moment its staff member is no longer active.
//
// It holds no HTTP: the chat's /desk command, the CLI's desk-link and the desk's pages call
// it. Tokens are kept in SQL only as hashes (storage/desk.go).
package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/storage"
)

const (
	// LinkTTL is how long a login link can be opened.
	LinkTTL = 10 * time.Minute
	// IdleTimeout ends a session not used for this long.
	IdleTimeout = 12 * time.Hour
	// rememberLinks is how long a link is kept after it expired, so that opening it tells
	// "expired" or "already used" rather than "not valid".
	rememberLinks = 24 * time.Hour
	// LoginPath is where a login link points, under PUBLIC_URL.
	LoginPath = "/desk/login"
)

// Refusals, each with its own page on the desk and its own answer in the chat.
var (
	// ErrNotActiveStaff: the id names no staff member, or one who is pending or disabled.
	ErrNotActiveStaff = errors.New("not an active staff member")
	// ErrLinkUnknown: no such login link (mistyped, cut short, or forgotten a day after it expired).
	ErrLinkUnknown = errors.New("login link not valid")
	// ErrLinkExpired: the link was not used within LinkTTL.
	ErrLinkExpired = errors.New("login link expired")
	// ErrLinkUsed: the link was used already.
	ErrLinkUsed = errors.New("login link already used")
	// ErrNoSession: no such session (never was, logged out, or ended).
	ErrNoSession = errors.New("no desk session")
	// ErrSessionIdle: the session went unused for IdleTimeout and has ended.
	ErrSessionIdle = errors.New("desk session ended after 12 hours without use")
)

// Audit actions of the desk's way in.
const (
	ActionLinkIssued = "desk.link"
	ActionLogin      = "desk.login"
	ActionLogout     = "desk.logout"
	ActionLogoutAll  = "desk.logout_all"
)

// ActiveStaff returns a staff member who may use the desk: one that exists and is active (a
// tutor, coordinator, admin, or reception-centre operator: the desk's route table gives each
// role its pages).
func ActiveStaff(ctx context.Context, q storage.Queryer, staffID int64) (storage.Staff, error) {
	s, err := storage.StaffByID(ctx, q, staffID)
	if errors.Is(err, storage.ErrNotFound) {
		return s, fmt.Errorf("staff #%d: %w", staffID, ErrNotActiveStaff)
	}
	if err != nil {
		return s, err
	}
	if s.Status != "active" {
		return s, fmt.Errorf("staff #%d is %s: %w", staffID, s.Status, ErrNotActiveStaff)
	}
	return s, nil
}

// Links issues login links that point at the service's public address.
type Links struct {
	// PublicURL is PUBLIC_URL, without a trailing slash.
	PublicURL string
}

// IssueLoginLink makes a one-time login link to the desk for an active staff member, valid
// LinkTTL from now: what the chat's /desk command answers with. It is audited as asked by the
// staff member themselves.
func (l Links) IssueLoginLink(ctx context.Context, q storage.Queryer, staffID int64, now time.Time) (string, error) {
	return l.IssueLoginLinkBy(ctx, q, staffID, storage.Actor{Kind: storage.ActorStaff, ID: staffID}, now)
}

// IssueLoginLinkBy is IssueLoginLink asked by someone else (the CLI, the demo).
func (l Links) IssueLoginLinkBy(ctx context.Context, q storage.Queryer, staffID int64, by storage.Actor, now time.Time) (string, error) {
	token, err := l.issue(ctx, q, staffID, by, now)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(l.PublicURL, "/") + LoginPath + "?t=" + token, nil
}

// IssueLoginToken is IssueLoginLinkBy giving the bare token, for a page that posts it itself
// (the demo's way in).
func (l Links) IssueLoginToken(ctx context.Context, q storage.Queryer, staffID int64, by storage.Actor, now time.Time) (string, error) {
	return l.issue(ctx, q, staffID, by, now)
}

func (l Links) issue(ctx context.Context, q storage.Queryer, staffID int64, by storage.Actor, now time.Time) (string, error) {
	if _, err := ActiveStaff(ctx, q, staffID); err != nil {
		return "", err
	}
	if err := storage.ForgetDeskLinks(ctx, q, now.Add(-rememberLinks)); err != nil {
		return "", err
	}
	token, err := storage.IssueDeskLink(ctx, q, staffID, now.Add(LinkTTL), now)
	if err != nil {
		return "", err
	}
	if err := storage.Audit(ctx, q, storage.AuditEntry{At: now, ActorKind: by.Kind, ActorID: actorID(by), Action: ActionLinkIssued,
		TargetKind: "staff", TargetID: strconv.FormatInt(staffID, 10)}); err != nil {
		return "", err
	}
	return token, nil
}

// CheckLink tells, without using it, whether a login link would sign someone in now, and whom:
// the desk shows its sign-in page only for a link that works, and a clear refusal otherwise.
func CheckLink(ctx context.Context, q storage.Queryer, token string, now time.Time) (storage.Staff, error) {
	if token == "" {
		return storage.Staff{}, ErrLinkUnknown
	}
	l, err := storage.DeskLinkByToken(ctx, q, token)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Staff{}, ErrLinkUnknown
	}
	if err != nil {
		return storage.Staff{}, err
	}
	if err := linkState(l, now); err != nil {
		return storage.Staff{}, err
	}
	return ActiveStaff(ctx, q, l.StaffID)
}

func linkState(l storage.DeskLink, now time.Time) error {
	switch {
	case l.UsedAt.Valid:
		return ErrLinkUsed
	case !now.Before(l.ExpiresAt):
		return ErrLinkExpired
	}
	return nil
}

// Login uses up a login link and starts a session for its staff member, returning the session's
// token (for the cookie) and who it is. Using the link, starting the session and its audit entry
// are one transaction; a refusal of a known link is audited as denied.
func Login(ctx context.Context, db *storage.DB, token string, now time.Time) (session string, staff storage.Staff, err error) {
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		id, ok, err := storage.UseDeskLink(ctx, tx, token, now)
		if err != nil {
			return err
		}
		if !ok {
			return refusedLink(ctx, tx, token, now)
		}
		if staff, err = ActiveStaff(ctx, tx, id); err != nil {
			return err
		}
		if err := storage.ForgetDeskSessions(ctx, tx, now.Add(-IdleTimeout)); err != nil {
			return err
		}
		if session, err = storage.CreateDeskSession(ctx, tx, id, now); err != nil {
			return err
		}
		return storage.Audit(ctx, tx, storage.AuditEntry{At: now, ActorKind: storage.ActorStaff, ActorID: actorID(storage.Actor{ID: id}),
			Action: ActionLogin, TargetKind: "staff", TargetID: strconv.FormatInt(id, 10)})
	})
	if err == nil {
		return session, staff, nil
	}
	if l, lerr := storage.DeskLinkByToken(ctx, db, token); lerr == nil && (errors.Is(err, ErrLinkUsed) || errors.Is(err, ErrLinkExpired) || errors.Is(err, ErrNotActiveStaff)) {
		if aerr := storage.Audit(ctx, db, storage.AuditEntry{At: now, ActorKind: storage.ActorStaff, ActorID: actorID(storage.Actor{ID: l.StaffID}),
			Action: ActionLogin, TargetKind: "staff", TargetID: strconv.FormatInt(l.StaffID, 10), Outcome: storage.OutcomeDenied,
			Detail: err.Error()}); aerr != nil {
			return "", storage.Staff{}, errors.Join(err, aerr)
		}
	}
	return "", storage.Staff{}, err
}

// refusedLink says why a link could not be used.
func refusedLink(ctx context.Context, q storage.Queryer, token string, now time.Time) error {
	l, err := storage.DeskLinkByToken(ctx, q, token)
	if errors.Is(err, storage.ErrNotFound) {
		return ErrLinkUnknown
	}
	if err != nil {
		return err
	}
	if err := linkState(l, now); err != nil {
		return err
	}
	return ErrLinkUnknown // usable a moment ago: taken by a login at the same time
}

// Authenticate finds the active staff member of a session and records its use. A session
// unused for IdleTimeout, or whose staff member is no longer active, ends here: the check runs
// on every request, so deactivation shuts the desk at once.
func Authenticate(ctx context.Context, q storage.Queryer, session string, now time.Time) (storage.Staff, error) {
	if session == "" {
		return storage.Staff{}, ErrNoSession
	}
	s, err := storage.DeskSessionByToken(ctx, q, session)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Staff{}, ErrNoSession
	}
	if err != nil {
		return storage.Staff{}, err
	}
	if now.Sub(s.LastSeenAt) >= IdleTimeout {
		if _, err := storage.EndDeskSession(ctx, q, session); err != nil {
			return storage.Staff{}, err
		}
		return storage.Staff{}, ErrSessionIdle
	}
	staff, err := ActiveStaff(ctx, q, s.StaffID)
	if errors.Is(err, ErrNotActiveStaff) {
		if _, eerr := storage.EndDeskSession(ctx, q, session); eerr != nil {
			return storage.Staff{}, eerr
		}
		return storage.Staff{}, err
	}
	if err != nil {
		return storage.Staff{}, err
	}
	if err := storage.TouchDeskSession(ctx, q, session, now); err != nil {
		return storage.Staff{}, err
	}
	return staff, nil
}

// Logout ends one session ("Log out" on the desk).
func Logout(ctx context.Context, q storage.Queryer, session string, staffID int64, now time.Time) error {
	if _, err := storage.EndDeskSession(ctx, q, session); err != nil {
		return err
	}
	return storage.Audit(ctx, q, storage.AuditEntry{At: now, ActorKind: storage.ActorStaff, ActorID: actorID(storage.Actor{ID: staffID}),
		Action: ActionLogout, TargetKind: "staff", TargetID: strconv.FormatInt(staffID, 10)})
}

// EndSessions ends every desk session of a staff member and returns how many it ended: what
// `/desk logout` in the chat does (by the staff member), and what deactivating a staff member
// must do (by whoever deactivates). Their pages stop working at their next request.
func EndSessions(ctx context.Context, q storage.Queryer, staffID int64, by storage.Actor, now time.Time) (int64, error) {
	n, err := storage.EndDeskSessionsOf(ctx, q, staffID)
	if err != nil {
		return 0, err
	}
	if err := storage.Audit(ctx, q, storage.AuditEntry{At: now, ActorKind: by.Kind, ActorID: actorID(by), Action: ActionLogoutAll,
		TargetKind: "staff", TargetID: strconv.FormatInt(staffID, 10), Detail: fmt.Sprintf("%d sessions", n)}); err != nil {
		return 0, err
	}
	return n, nil
}

// EndSessionsOf is EndSessions asked by the staff member themselves: `/desk logout` in the
// chat.
func (Links) EndSessionsOf(ctx context.Context, q storage.Queryer, staffID int64, now time.Time) (int64, error) {
	return EndSessions(ctx, q, staffID, storage.Actor{Kind: storage.ActorStaff, ID: staffID}, now)
}

func actorID(a storage.Actor) sql.NullInt64 { return sql.NullInt64{Int64: a.ID, Valid: a.ID != 0} }
