package webchat

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// tokenBytes is the size of a session token.
const tokenBytes = 32

// newToken makes a session token and the chat id the server keeps in its place.
func newToken() (token, chatID string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("session token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, chatIDOf(b), nil
}

// chatIDOf is the SHA-256 of a token's bytes, in hex.
func chatIDOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// errNoSession means the request carries no valid session token.
var errNoSession = errors.New("no valid session token")

// authenticate finds the session of the request's bearer token. It answers the error itself
// and returns ok false when there is none.
func (c *Channel) authenticate(w http.ResponseWriter, r *http.Request) (storage.WebchatSession, bool) {
	s, err := c.sessionOf(r.Context(), r.Header.Get("Authorization"))
	switch {
	case errors.Is(err, errNoSession):
		w.Header().Set("WWW-Authenticate", `Bearer realm="webchat"`)
		writeError(w, http.StatusUnauthorized, "unauthorized", err.Error()+": send Authorization: Bearer <the token from POST /webchat/api/session>")
		return s, false
	case err != nil:
		c.log.Warn("web chat session lookup", "err", err)
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the service is busy, try again", 0)
		return s, false
	}
	return s, true
}

func (c *Channel) sessionOf(ctx context.Context, header string) (storage.WebchatSession, error) {
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return storage.WebchatSession{}, errNoSession
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(token))
	if err != nil || len(raw) != tokenBytes {
		return storage.WebchatSession{}, errNoSession
	}
	chatID := chatIDOf(raw)
	s, err := storage.WebchatSessionByChat(ctx, c.cfg.DB, chatID)
	if errors.Is(err, storage.ErrNotFound) {
		return s, errNoSession
	}
	if err != nil {
		return s, err
	}
	if subtle.ConstantTimeCompare([]byte(s.ChatID), []byte(chatID)) != 1 {
		return storage.WebchatSession{}, errNoSession
	}
	return s, nil
}

type sessionRequest struct {
	Lang string `json:"lang"` // the browser's language (navigator.language)
	// Invite is the code of the invite link the page was opened with: the session takes the
	// language of the person it is for, before the browser's.
	Invite string `json:"invite,omitempty"`
}

type sessionResponse struct {
	Token  string `json:"token"`
	Lang   string `json:"lang"`
	RTL    bool   `json:"rtl"`
	Invite string `json:"invite,omitempty"` // demo: the new visitor's invite code
}

// createSession starts a session for a browser: POST /webchat/api/session {"lang": "fr-FR"}.
// The token is in the answer and nowhere else.
func (c *Channel) createSession(w http.ResponseWriter, r *http.Request) {
	if !c.allow(w, r, "session", c.cfg.Limits.SessionPerIP, "") {
		return
	}
	var req sessionRequest
	if !readJSON(w, r, &req) {
		return
	}
	if len(req.Lang) > 35 {
		writeError(w, http.StatusBadRequest, "bad_lang", "lang is a language tag such as fr or fa-AF")
		return
	}
	lang := locales.Match(req.Lang)
	if req.Invite != "" {
		invited, err := storage.InviteLang(r.Context(), c.cfg.DB, req.Invite, c.cfg.Clock.Now())
		if err != nil {
			c.log.Warn("invite language", "err", err)
		}
		if m := locales.Match(invited); m != "" {
			lang = m
		}
	}
	token, chatID, err := newToken()
	if err == nil {
		err = storage.CreateWebchatSession(r.Context(), c.cfg.DB, chatID, lang, c.cfg.Clock.Now())
	}
	if err != nil {
		c.log.Warn("create web chat session", "err", err)
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the session could not be created, try again", 0)
		return
	}
	l := c.cfg.Catalog.For(lang)
	writeJSON(w, http.StatusCreated, sessionResponse{Token: token, Lang: l.Lang(), RTL: l.RTL()})
}
