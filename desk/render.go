package desk

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

//go:embed templates static
var files embed.FS

// layoutFile frames every page; each other file in templates/ is a page defining "content".
const layoutFile = "templates/layout.html"

// parsePages parses each page with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, name := range names {
		if name == layoutFile {
			continue
		}
		t, err := template.ParseFS(files, layoutFile, name)
		if err != nil {
			return nil, fmt.Errorf("desk template %s: %w", name, err)
		}
		out[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return out, nil
}

// View is what the layout and a page's template see: texts through .T and .N, the staff
// member and their navigation (when signed in), the CSRF token for forms, and .Page, the
// page's own data.
type View struct {
	L     *locales.Localizer
	Title string
	Staff *storage.Staff
	Nav   []navItem
	CSRF  string
	// Notice is what the page says after a change made from it (none: empty Text).
	Notice notice
	Page   any
}

// T renders a message in the page's language: {{.T "desk.home.title"}}, {{.T "id" "Name" .X}}.
func (v *View) T(id string, kv ...any) string { return v.L.T(id, kv...) }

// N renders a message with plural forms: {{.N "id" .Count}}.
func (v *View) N(id string, n int, kv ...any) string { return v.L.N(id, n, kv...) }

// Lang is the page's language code.
func (v *View) Lang() string { return v.L.Lang() }

// Dir is the page's writing direction.
func (v *View) Dir() string {
	if v.L.RTL() {
		return "rtl"
	}
	return "ltr"
}

// Name is how the signed-in staff member is named.
func (v *View) Name() string { return staffName(v.L, *v.Staff) }

// Role is the signed-in staff member's role, in words.
func (v *View) Role() string { return roleName(v.L, v.Staff.Role) }

func staffName(l *locales.Localizer, s storage.Staff) string {
	if strings.TrimSpace(s.DisplayName) != "" {
		return s.DisplayName
	}
	return l.T("desk.unnamed", "ID", strconv.FormatInt(s.ID, 10))
}

// roleName is a role in words; a role this desk does not know yet is shown as it is stored.
func roleName(l *locales.Localizer, role string) string {
	switch role {
	case storage.RoleTutor, storage.RoleCoordinator, storage.RoleAdmin:
		return l.T("desk.role." + role)
	case storage.RoleOperator:
		return l.T("desk.op.role")
	}
	return role
}

// render answers with a page of a signed-in staff member, framed by the layout with their
// navigation bar.
func (d *Desk) render(w http.ResponseWriter, r *Request, status int, page, title string, data any) error {
	n := r.shown
	if n.Text == "" {
		n = noticeOf(r)
	}
	v := &View{L: r.L, Title: title, Staff: &r.Staff, Nav: d.nav(r), CSRF: r.CSRF, Notice: n, Page: data}
	return d.write(w, status, page, v)
}

// write executes a page into a buffer first, so a template failure never sends half a page.
func (d *Desk) write(w http.ResponseWriter, status int, page string, v *View) error {
	t, ok := d.pages[page]
	if !ok {
		return fmt.Errorf("desk: no page template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("desk: render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// message answers with a short page: a title and a sentence (desk.msg.<key>_title and
// desk.msg.<key>), in the staff member's language when signed in (r set), in the browser's
// otherwise.
func (d *Desk) message(w http.ResponseWriter, hr *http.Request, r *Request, status int, key string) {
	v := &View{L: d.browserLang(hr), Page: messageData{Text: "desk.msg." + key}}
	if r != nil {
		v = &View{L: r.L, Staff: &r.Staff, Nav: d.nav(r), CSRF: r.CSRF, Page: messageData{Text: "desk.msg." + key, Home: true}}
	}
	v.Title = v.T("desk.msg." + key + "_title")
	if err := d.write(w, status, "message", v); err != nil {
		d.log.Error("desk message page", "err", err)
		http.Error(w, http.StatusText(status), status)
	}
}

// messageData is the message page's own data.
type messageData struct {
	Text string // message id of the sentence
	Home bool   // offer a link to Home
}

// browserLang is the first language of the browser's Accept-Language that the bot speaks,
// Italian when none: the language of pages shown before anyone is signed in.
func (d *Desk) browserLang(r *http.Request) *locales.Localizer {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err == nil {
		for _, t := range tags {
			if m := locales.Match(t.String()); m != "" {
				return d.cfg.Catalog.For(m)
			}
		}
	}
	return d.cfg.Catalog.For("it")
}

// static serves the style sheet (and any script) the pages link to.
func (d *Desk) static() http.Handler {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embedded tree always has static/
	}
	files := http.StripPrefix("/desk/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			d.notFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// notFound answers a path the desk does not have.
func (d *Desk) notFound(w http.ResponseWriter, r *http.Request) {
	d.message(w, r, nil, http.StatusNotFound, "not_found")
}
