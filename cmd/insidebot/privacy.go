package main

import (
	"html/template"
	"net/http"

	"github.com/insideaut/insidebot/locales"
)

// privacyPage is the full privacy notice the layered notice in the chat links to, in the
// reader's language (?lang=fr), every word from the catalogue.
var privacyPage = template.Must(template.New("privacy").Parse(`<!doctype html>
<html lang="{{.Lang}}" dir="{{.Dir}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font:17px/1.55 system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;color:#1d1d1f}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}nav a{margin-inline-end:.6rem}</style>
</head><body>
<nav>{{range .Langs}}<a href="?lang={{.Code}}" lang="{{.Code}}">{{.Native}}</a> {{end}}</nav>
<h1>{{.Title}}</h1>
{{range .Sections}}<h2>{{.Heading}}</h2><p>{{.Body}}</p>{{end}}
</body></html>`))

// privacySections are the message ids of the notice's parts, in order.
func privacySections() []string {
	return []string{"who", "what", "why", "psych", "who_sees", "how_long", "consents", "rights", "contact"}
}

func (a *app) privacy(w http.ResponseWriter, r *http.Request) {
	l := a.catalog.For(r.URL.Query().Get("lang"))
	type section struct{ Heading, Body string }
	data := struct {
		Lang, Dir, Title string
		Langs            []locales.Lang
		Sections         []section
	}{Lang: l.Lang(), Dir: "ltr", Title: l.T("privacypage.title"), Langs: locales.Languages()}
	if l.RTL() {
		data.Dir = "rtl"
	}
	// Who is responsible for the data and whom to ask (PRIVACY_CONTROLLER, PRIVACY_CONTACT).
	contact := a.cfg.Privacy.Contact
	if contact == "" {
		contact = l.T("privacy.contact_unset")
	}
	kv := []any{"Controller", a.cfg.Privacy.Controller, "Contact", contact}
	for _, s := range privacySections() {
		data.Sections = append(data.Sections, section{Heading: l.T("privacypage." + s + "_h"), Body: l.T("privacypage."+s, kv...)})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := privacyPage.Execute(w, data); err != nil {
		a.log.Warn("privacy page", "err", err)
	}
}
