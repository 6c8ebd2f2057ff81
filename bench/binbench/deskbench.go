package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// deskAim is issue 14's aim: every desk page's p99 under it.
const deskAim = 50 * time.Millisecond

// deskPage is one page of the desk timed, and the roles that may open it.
type deskPage struct {
	name, path string
	staffOnly  bool // coordinators and admins only (figures, audit, import)
}

// deskUser is a staff member signed in to the desk: a browser with their session cookie.
type deskUser struct {
	label string
	role  string
	c     *http.Client
}

var (
	deskLink   = regexp.MustCompile(`https?://\S+/desk/login\?t=\S+`)
	deskHidden = regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)">`)
)

// desk times the staff's web desk through the binary, from outside: it starts insidebot (the
// desk is mounted under /desk/ of HTTP_ADDR), signs in a tutor with a large caseload, the
// coordinator of the territory where everyone lives and an admin with one-time links from
// `insidebot desk-link --staff <id>` (a subprocess, as the first coordinator gets in), and
// GETs every page of each N times in turn, each after one untimed warm-up: p50/p99 per page and
// staff member, with the page's size. A page over the aim (p99 >= 50 ms) is marked.
func (b *bench) desk(ctx context.Context, s *store) error {
	fake, err := newFakeAPI()
	if err != nil {
		return err
	}
	defer fake.close()
	addr := freeAddr()
	base := "http://" + addr
	deskEnv := append(slices.Clone(s.env), "PUBLIC_URL="+base)
	p, err := startProc(ctx, b.bin, b.env(deskEnv, fake.endpoint(), "HTTP_ADDR="+addr), filepath.Join(b.dir, "desk-insidebot.log"), "serve")
	if err != nil {
		return err
	}
	defer p.stop()
	startup, err := p.waitHealthy(ctx)
	if err != nil {
		return err
	}
	w := s.world
	db, err := storage.Open(ctx, s.dbURL, "")
	if err != nil {
		return err
	}
	var openAll, openMine int
	err = db.Get(ctx, &openAll, `SELECT COUNT(*) FROM beneficiaries WHERE status IN ('invited', 'active')`)
	if err == nil {
		err = db.Get(ctx, &openMine, `SELECT COUNT(*) FROM beneficiaries WHERE status IN ('invited', 'active') AND tutor_id = ?`, w.tutorID)
	}
	_ = db.Close()
	if err != nil {
		return err
	}
	users := []struct {
		label, role string
		id          int64
		open        int
	}{
		{"tutor", storage.RoleTutor, w.tutorID, openMine},
		{"coordinator AN", storage.RoleCoordinator, w.coordANID, openAll},
		{"admin", storage.RoleAdmin, w.adminID, openAll},
	}
	fmt.Printf("postgres, the desk through the binary (%d people, %d plan steps, the tutor's open caseload %d; %d times each page; started in %d ms):\n",
		b.o.people, w.steps, openMine, b.o.deskN, startup.Milliseconds())
	type cell struct {
		lat  []time.Duration
		size int
	}
	results := map[string]map[string]cell{} // page name -> user label -> timings
	var order []string
	for _, u := range users {
		du, err := b.deskSignIn(ctx, base, deskEnv, u.label, u.role, u.id)
		if err != nil {
			return fmt.Errorf("%w; insidebot's log:\n%s", err, p.logTail())
		}
		for _, pg := range deskPages(w, u.open, u.role == storage.RoleTutor) {
			if pg.staffOnly && u.role == storage.RoleTutor {
				continue
			}
			if results[pg.name] == nil {
				results[pg.name] = map[string]cell{}
				order = append(order, pg.name)
			}
			size, err := du.get(ctx, base+pg.path)
			if err != nil {
				return fmt.Errorf("desk %s as %s: %w; insidebot's log:\n%s", pg.path, u.label, err, p.logTail())
			}
			lat := make([]time.Duration, 0, b.o.deskN)
			for range b.o.deskN {
				start := time.Now()
				if _, err := du.get(ctx, base+pg.path); err != nil {
					return fmt.Errorf("desk %s as %s: %w", pg.path, u.label, err)
				}
				lat = append(lat, time.Since(start))
			}
			results[pg.name][u.label] = cell{lat: lat, size: size}
		}
	}
	fmt.Printf("  %-44s", "page (p50 / p99 ms, size)")
	for _, u := range users {
		fmt.Printf(" %-26s", u.label)
	}
	fmt.Println()
	over := 0
	for _, name := range order {
		fmt.Printf("  %-44s", name)
		for _, u := range users {
			c, ok := results[name][u.label]
			if !ok {
				fmt.Printf(" %-26s", "(not theirs)")
				continue
			}
			p99 := percentile(c.lat, .99)
			mark := ""
			if p99 >= float64(deskAim/time.Millisecond) {
				mark, over = " !", over+1
			}
			fmt.Printf(" %-26s", fmt.Sprintf("%6.1f / %6.1f %-7s%s", percentile(c.lat, .50), p99, sizeOf(int64(c.size)), mark))
		}
		fmt.Println()
	}
	fmt.Printf("  pages at or over the aim (p99 >= %d ms, marked !): %d; peak RSS of insidebot %.0f MiB\n", deskAim.Milliseconds(), over, p.peakRSS())
	if p.exited() {
		return fmt.Errorf("exited during the desk timings; its log:\n%s", p.logTail())
	}
	return nil
}

// deskPages are the desk's pages as a staff member who sees open people opens them: home,
// people (the first and the last page, filtered and sorted), a person, labs, a session, leads,
// a lead, figures and their chart, the audit log (the newest page and one deep in it), import.
func deskPages(w world, open int, tutor bool) []deskPage {
	last := max(1, (open+49)/50) // the desk's 50 a page
	person := "/desk/people/" + url.PathEscape(w.history.personCode)
	filtered := "/desk/people?status=active&sort=activity&lang=en"
	if !tutor {
		filtered += "&tutor=" + strconv.FormatInt(w.tutorID, 10)
	}
	return []deskPage{
		{name: "home", path: "/desk/"},
		{name: "people, page 1", path: "/desk/people"},
		{name: "people, last page", path: "/desk/people?page=" + strconv.Itoa(last)},
		{name: "people, active, by activity, en (+tutor)", path: filtered},
		{name: "people, overdue, by overdue, page 1", path: "/desk/people?overdue=1&sort=overdue"},
		{name: "people, by overdue, last page", path: "/desk/people?sort=overdue&page=" + strconv.Itoa(last)},
		{name: "a person", path: person},
		{name: "labs (this week)", path: "/desk/labs"},
		{name: "a session", path: "/desk/labs/sessions/" + strconv.FormatInt(w.history.sessionID, 10)},
		{name: "leads", path: "/desk/leads"},
		{name: "a lead", path: "/desk/leads/" + strconv.FormatInt(w.history.leadID, 10)},
		{name: "figures", path: "/desk/figures", staffOnly: true},
		{name: "figures chart (SVG)", path: "/desk/figures/steps.svg", staffOnly: true},
		{name: "people against target (SVG)", path: "/desk/figures/cases.svg", staffOnly: true},
		{name: "broadcasts", path: "/desk/broadcasts", staffOnly: true},
		{name: "staff", path: "/desk/staff", staffOnly: true},
		{name: "contacts (AN)", path: "/desk/contacts/AN", staffOnly: true},
		{name: "audit, newest", path: "/desk/audit", staffOnly: true},
		{name: "audit, deep (before the middle entry)", path: "/desk/audit?before=" + strconv.Itoa(max(w.history.audit/2, 1)), staffOnly: true},
		{name: "import", path: "/desk/import", staffOnly: true},
	}
}

// deskSignIn gets a one-time link for a staff member from `insidebot desk-link`, opens it and
// presses its button, as a browser: the returned client holds the session cookie.
func (b *bench) deskSignIn(ctx context.Context, base string, env []string, label, role string, id int64) (*deskUser, error) {
	cmd := exec.CommandContext(ctx, b.bin, "desk-link", "--staff", strconv.FormatInt(id, 10))
	cmd.Env = b.env(env, "")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("insidebot desk-link --staff %d: %w\n%s", id, err, out)
	}
	link := deskLink.FindString(string(out))
	if link == "" {
		return nil, fmt.Errorf("insidebot desk-link --staff %d printed no link:\n%s", id, out)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	u := &deskUser{label: label, role: role, c: &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	page, err := u.body(ctx, link)
	if err != nil {
		return nil, fmt.Errorf("sign-in page of %s: %w", label, err)
	}
	form := url.Values{}
	for _, m := range deskHidden.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], m[2])
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/desk/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := u.c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in as %s: %s", label, resp.Status)
	}
	return u, nil
}

// get GETs a page and reads it whole; anything but 200 is an error.
func (u *deskUser) get(ctx context.Context, address string) (int, error) {
	body, err := u.body(ctx, address)
	return len(body), err
}

func (u *deskUser) body(ctx context.Context, address string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, address, nil)
	if err != nil {
		return "", err
	}
	resp, err := u.c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s: %s", address, resp.Status, firstLine(strings.TrimSpace(string(b[:min(len(b), 300)]))))
	}
	return string(b), nil
}
