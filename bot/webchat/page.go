package webchat

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"golang.org/x/text/language"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/media"
)

//go:embed static
var staticFiles embed.FS

// pageTemplate is the one HTML page; its texts come from the catalogue.
var pageTemplate = template.Must(template.ParseFS(staticFiles, "static/index.html"))

// uiKeys() are the page's own texts (webchat.<key> in the catalogue).
func uiKeys() []string {
	return []string{"title", "intro", "conversation", "message_label", "placeholder", "send", "start", "connecting",
		"offline", "sending", "failed", "retry", "too_fast", "too_long", "you", "bot_name", "image", "download",
		"talk_as", "choose_persona", "demo_note", "demo_invite", "noscript", "new_chat",
		"attach", "audio", "video", "media_gone", "erased", "media_too_large", "media_not_accepted",
		"desk_tutor", "desk_coordinator"}
}

// ui is what the page needs to show itself in a language.
type ui struct {
	Lang  string            `json:"lang"`
	RTL   bool              `json:"rtl"`
	Demo  bool              `json:"demo"`
	Texts map[string]string `json:"texts"`
}

func (c *Channel) uiFor(lang string) ui {
	l := c.cfg.Catalog.For(lang)
	u := ui{Lang: l.Lang(), RTL: l.RTL(), Demo: c.cfg.Demo != nil, Texts: make(map[string]string, len(uiKeys()))}
	for _, k := range uiKeys() {
		switch k {
		case "download":
			u.Texts[k] = l.T("webchat."+k, "Name", "{name}")
		case "demo_invite":
			u.Texts[k] = l.T("webchat."+k, "Code", "{code}")
		case "media_too_large", "media_not_accepted":
			// The answers to a refused file, as every channel gives them (media.Rejection).
			u.Texts[k] = l.T("media."+strings.TrimPrefix(k, "media_"), "MaxMB", media.MaxMB)
		default:
			u.Texts[k] = l.T("webchat." + k)
		}
	}
	return u
}

// acceptedLang is the first language of the Accept-Language header that the bot speaks, or "".
func acceptedLang(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return ""
	}
	for _, t := range tags {
		if m := locales.Match(t.String()); m != "" {
			return m
		}
	}
	return ""
}

// securityHeaders keep the page to its own scripts and styles, out of frames, and the invite
// code in its address out of any Referer.
func securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src blob:; "+
		"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// page serves the chat page at / in the browser's language (the page switches language when a
// demo person is picked).
func (c *Channel) page(w http.ResponseWriter, r *http.Request) {
	if !c.allow(w, r, "page", c.cfg.Limits.PagePerIP, "") {
		return
	}
	u := c.uiFor(acceptedLang(r.Header.Get("Accept-Language")))
	dir := "ltr"
	if u.RTL {
		dir = "rtl"
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, map[string]any{"UI": u, "Dir": dir}); err != nil {
		c.log.Error("render web chat page", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(buf.Bytes())
}

// uiTexts serves the page's texts in a language: GET /webchat/api/ui?lang=ar.
func (c *Channel) uiTexts(w http.ResponseWriter, r *http.Request) {
	if !c.allow(w, r, "page", c.cfg.Limits.PagePerIP, "") {
		return
	}
	lang := r.URL.Query().Get("lang")
	if len(lang) > 35 {
		writeError(w, http.StatusBadRequest, "bad_lang", "lang is a language tag such as fr or fa-AF")
		return
	}
	writeJSON(w, http.StatusOK, c.uiFor(locales.Match(lang)))
}

// static serves the page's script and style sheet.
func (c *Channel) static() http.Handler {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the embedded tree always has static/
	}
	files := http.StripPrefix("/webchat/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/webchat/static/index.html" || r.URL.Path == "/webchat/static/" {
			http.NotFound(w, r)
			return
		}
		securityHeaders(w)
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// favicon serves the page's icon where browsers look for it without being told
// (/favicon.ico); the page also links the SVG one under /webchat/static/.
func (c *Channel) favicon(w http.ResponseWriter, r *http.Request) {
	ico, err := staticFiles.ReadFile("static/favicon.ico")
	if err != nil {
		http.NotFound(w, r) // the embedded tree always has it
		return
	}
	w.Header().Set("Content-Type", "image/x-icon")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(ico)
}
