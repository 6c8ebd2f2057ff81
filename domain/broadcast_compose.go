package domain

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// MaxBroadcastLen is the longest text of a broadcast (or of a version of it), in characters:
// it leaves room, within a message's 4096 characters, for the header and footer in any
// language.
const MaxBroadcastLen = 3500

// Why a broadcast's text is refused; nothing was stored.
var (
	ErrBroadcastEmpty   = errors.New("the broadcast's text is empty")
	ErrBroadcastTooLong = fmt.Errorf("the broadcast's text is longer than %d characters", MaxBroadcastLen)
)

// CheckBroadcastText is a broadcast's text with its ends trimmed, or why it may not be sent.
func CheckBroadcastText(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", ErrBroadcastEmpty
	}
	if utf8.RuneCountInString(text) > MaxBroadcastLen {
		return "", ErrBroadcastTooLong
	}
	return text, nil
}

// MayReach tells whether the actor may address an audience: coordinators and admins only,
// and a coordinator of one territory only within it (their "everyone" is their territory,
// a lab or a language carries their territory as its scope).
func (a Actor) MayReach(au Audience) bool {
	if !a.IsCoordinator() {
		return false
	}
	scope := a.ScopeTerritory()
	switch au.Kind {
	case AudienceAll:
		return scope == ""
	case AudienceTerritory:
		return a.CanUseTerritory(au.Value)
	case AudienceLab, AudienceLang:
		return scope == "" || au.Scope == scope
	case AudienceSession:
		return true // the session's own territory is checked by CreateBroadcast
	}
	return false
}

// NewBroadcast is what a draft broadcast is made of: its audience, and either a free text
// (in Italian, the staff's language) or the session it announces.
type NewBroadcast struct {
	Audience  Audience
	Body      string
	SessionID int64 // a session announcement, composed in each recipient's language
}

// CreateBroadcast stores a draft broadcast ("/broadcast") for an actor who may reach its
// audience (MayReach), and who may use the territory of the session it is for or announces
// (a cancelled or past session cannot be announced: ErrWrongState). A refusal is audited and
// returned as ErrDenied; a text that is empty or too long is ErrBroadcastEmpty or
// ErrBroadcastTooLong. Nothing is sent until ConfirmBroadcast or ScheduleBroadcast.
func (s *Service) CreateBroadcast(ctx context.Context, q storage.Queryer, now time.Time, a Actor, nb NewBroadcast) (storage.Broadcast, error) {
	const action = "/broadcast"
	if !a.MayReach(nb.Audience) {
		if err := Refuse(ctx, q, now, a, action, "broadcast", "", "audience="+nb.Audience.String()); err != nil {
			return storage.Broadcast{}, err
		}
		return storage.Broadcast{}, ErrDenied
	}
	for _, id := range []int64{sessionOf(nb.Audience), nb.SessionID} {
		if id == 0 {
			continue
		}
		sn, err := storage.SessionByID(ctx, q, id)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return storage.Broadcast{}, err
		}
		if err != nil || !a.CanUseTerritory(sn.Territory) {
			return storage.Broadcast{}, s.refused(ctx, q, now, a, action, "session", strconv.FormatInt(id, 10))
		}
		if id == nb.SessionID && (sn.Status != storage.SessionScheduled || !sn.StartsAt.After(now)) {
			return storage.Broadcast{}, ErrWrongState
		}
	}
	body := ""
	if nb.SessionID == 0 {
		var err error
		if body, err = CheckBroadcastText(nb.Body); err != nil {
			return storage.Broadcast{}, err
		}
	}
	b, err := storage.CreateBroadcast(ctx, q, a.StaffID(), nb.Audience.String(), body, nb.SessionID, now)
	if err != nil {
		return b, err
	}
	detail := "audience=" + b.Audience
	if nb.SessionID != 0 {
		detail += fmt.Sprintf(" session=%d", nb.SessionID)
	}
	return b, Audit(ctx, q, now, a, action, "broadcast", strconv.FormatInt(b.ID, 10), detail)
}

// sessionOf is the session an audience is made of (0: none).
func sessionOf(au Audience) int64 {
	if au.Kind != AudienceSession {
		return 0
	}
	id, _ := strconv.ParseInt(au.Value, 10, 64)
	return id
}

// SetBroadcastVersion stores the text of a draft broadcast in one language ("broadcast
// version"): those who read it get that text instead of the Italian one. Only the author or an
// admin may (ErrDenied, audited); a broadcast that is no longer a draft, or that announces a
// session (already composed in every language), is ErrWrongState; an unknown language,
// ErrBadLanguage; a bad text, ErrBroadcastEmpty or ErrBroadcastTooLong.
func (s *Service) SetBroadcastVersion(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Broadcast, lang, text string) error {
	const action = "broadcast version"
	if err := s.mayManageBroadcast(ctx, q, now, a, action, b); err != nil {
		return err
	}
	if b.Status != storage.BroadcastDraft || b.SessionID.Valid {
		return ErrWrongState
	}
	if !knownLanguage(lang) {
		return ErrBadLanguage
	}
	text, err := CheckBroadcastText(text)
	if err != nil {
		return err
	}
	if err := storage.SetBroadcastText(ctx, q, b.ID, lang, text); err != nil {
		return err
	}
	return Audit(ctx, q, now, a, action, "broadcast", strconv.FormatInt(b.ID, 10), "lang="+lang)
}

// ErrBadLanguage is a language code the bot does not speak; nothing changed.
var ErrBadLanguage = errors.New("not one of the bot's languages")

func knownLanguage(code string) bool {
	for _, l := range locales.Languages() {
		if l.Code == code {
			return true
		}
	}
	return false
}
