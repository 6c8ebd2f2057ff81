package webchat

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Demo lets the page talk as the demo people (serve --demo). It is nil in a real service, and
// then its endpoints answer 404.
type Demo interface {
	// Personas lists who the page may talk as.
	Personas(ctx context.Context, q storage.Queryer) ([]Persona, error)
	// Link makes the session chatID speak as the persona key (nothing to link for a new
	// visitor). ErrUnknownPersona when there is no such persona.
	Link(ctx context.Context, q storage.Queryer, key, chatID string, now time.Time) (Persona, error)
}

// ErrUnknownPersona means a persona key names nobody.
var ErrUnknownPersona = errors.New("unknown persona")

// Persona roles besides the staff roles.
const (
	PersonaBeneficiary = "beneficiary"
	PersonaNewcomer    = "newcomer" // not linked to anyone: tries onboarding with Invite
)

// Persona is someone the demo page can talk as.
type Persona struct {
	Key       string
	Role      string // coordinator, tutor, admin, beneficiary or newcomer
	Name      string // staff display name
	Code      string // beneficiary code
	Territory string
	Lang      string // the person's language ("" for a new visitor: the browser's)
	Invite    string // for a new visitor: a demo invite code to type
}

// personaLabel is how the switcher names a persona, in the page's language.
func personaLabel(l *locales.Localizer, cat *locales.Catalog, p Persona) string {
	switch p.Role {
	case PersonaBeneficiary:
		native := p.Lang
		if lang, ok := cat.Lang(p.Lang); ok {
			native = lang.Native
		}
		return l.T("webchat.persona.beneficiary", "Code", p.Code, "Language", native)
	case PersonaNewcomer:
		return l.T("webchat.persona.newcomer")
	case storage.RoleTutor:
		return l.T("webchat.persona.tutor", "Name", p.Name, "Territory", p.Territory)
	case storage.RoleAdmin:
		return l.T("webchat.persona.admin", "Name", p.Name)
	}
	return l.T("webchat.persona.coordinator", "Name", p.Name)
}

type personaView struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Role  string `json:"role"`
	Lang  string `json:"lang,omitempty"` // the person's language ("" for a new visitor)
	RTL   bool   `json:"rtl"`
}

// personas lists the demo people: GET /webchat/api/demo/personas?lang=xx.
func (c *Channel) personas(w http.ResponseWriter, r *http.Request) {
	if c.cfg.Demo == nil {
		writeError(w, http.StatusNotFound, "not_found", "personas exist only in demo mode (insidebot serve --demo)")
		return
	}
	if !c.allow(w, r, "page", c.cfg.Limits.PagePerIP, "") {
		return
	}
	ps, err := c.cfg.Demo.Personas(r.Context(), c.cfg.DB)
	if err != nil {
		c.log.Warn("demo personas", "err", err)
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "personas could not be read, try again", 0)
		return
	}
	l := c.cfg.Catalog.For(locales.Match(r.URL.Query().Get("lang")))
	out := struct {
		Personas []personaView `json:"personas"`
	}{Personas: make([]personaView, 0, len(ps))}
	for _, p := range ps {
		v := personaView{Key: p.Key, Label: personaLabel(l, c.cfg.Catalog, p), Role: p.Role, Lang: p.Lang}
		if lang, ok := c.cfg.Catalog.Lang(p.Lang); ok {
			v.RTL = lang.RTL
		}
		out.Personas = append(out.Personas, v)
	}
	writeJSON(w, http.StatusOK, out)
}

type demoSessionRequest struct {
	Persona string `json:"persona"`
	Lang    string `json:"lang"` // the browser's language, for a new visitor
}

// demoSession starts a session already linked to a demo person: POST /webchat/api/demo/session
// {"persona": key, "lang": "fr"}.
func (c *Channel) demoSession(w http.ResponseWriter, r *http.Request) {
	if c.cfg.Demo == nil {
		writeError(w, http.StatusNotFound, "not_found", "personas exist only in demo mode (insidebot serve --demo)")
		return
	}
	if !c.allow(w, r, "session", c.cfg.Limits.SessionPerIP, "") {
		return
	}
	var req demoSessionRequest
	if !readJSON(w, r, &req) {
		return
	}
	if req.Persona == "" || len(req.Persona) > 64 || len(req.Lang) > 35 {
		writeError(w, http.StatusBadRequest, "bad_persona", "persona is a key from GET /webchat/api/demo/personas")
		return
	}
	token, chatID, err := newToken()
	if err != nil {
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the session could not be created, try again", 0)
		return
	}
	var p Persona
	now := c.cfg.Clock.Now()
	err = c.cfg.DB.InTx(r.Context(), func(tx *storage.Tx) error {
		var err error
		if p, err = c.cfg.Demo.Link(r.Context(), tx, req.Persona, chatID, now); err != nil {
			return err
		}
		lang := p.Lang
		if lang == "" {
			lang = locales.Match(req.Lang)
		}
		p.Lang = lang
		return storage.CreateWebchatSession(r.Context(), tx, chatID, lang, now)
	})
	switch {
	case errors.Is(err, ErrUnknownPersona):
		writeError(w, http.StatusNotFound, "unknown_persona", "no persona "+req.Persona+": pick one from GET /webchat/api/demo/personas")
		return
	case err != nil:
		c.log.Warn("demo session", "err", err)
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the session could not be created, try again", 0)
		return
	}
	l := c.cfg.Catalog.For(p.Lang)
	writeJSON(w, http.StatusCreated, sessionResponse{Token: token, Lang: l.Lang(), RTL: l.RTL(), Invite: p.Invite})
}
