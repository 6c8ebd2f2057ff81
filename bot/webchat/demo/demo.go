// Package demo seeds the invented world of `insidebot serve --demo` (a coordinator, two tutors,
// beneficiaries in six languages with plans, housing and job leads, labs with sessions) and lets
// the web chat talk as any of its people.
//
// It lives beside the web chat because the web chat is how a newcomer explores the demo: the
// page's persona switcher is its only user. The world itself is data (demo.toml), written
// through the storage functions, once: the seed is recorded in the audit log in the same
// transaction, and a second start finds it there and adds nothing.
package demo

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

//go:embed demo.toml
var worldFile string

// world is demo.toml.
type world struct {
	Staff         []staffSeed       `toml:"staff"`
	Beneficiaries []beneficiarySeed `toml:"beneficiaries"`
	Newcomer      beneficiarySeed   `toml:"newcomer"`
	Leads         []leadSeed        `toml:"leads"`
	Labs          []labSeed         `toml:"labs"`
}

type staffSeed struct {
	Key       string `toml:"key"`
	Name      string `toml:"name"`
	Role      string `toml:"role"`
	Territory string `toml:"territory"`
	Lang      string `toml:"lang"`
}

type beneficiarySeed struct {
	Key       string     `toml:"key"`
	Name      string     `toml:"name"`
	Territory string     `toml:"territory"`
	Lang      string     `toml:"lang"`
	Tutor     string     `toml:"tutor"`
	Research  bool       `toml:"research"`
	Steps     []stepSeed `toml:"steps"`
}

type stepSeed struct {
	Area   string `toml:"area"`
	Key    string `toml:"key"`
	Title  string `toml:"title"`
	Status string `toml:"status"`
	Due    *int   `toml:"due"` // days from the seed's day; absent: no due date
}

type leadSeed struct {
	Kind        string `toml:"kind"`
	Territory   string `toml:"territory"`
	Title       string `toml:"title"`
	Details     string `toml:"details"`
	HousingType string `toml:"housing_type"`
	Rent        int64  `toml:"rent"`
	Shared      *bool  `toml:"shared"`
	City        string `toml:"city"`
	JobRole     string `toml:"job_role"`
	Employer    string `toml:"employer"`
	Contract    string `toml:"contract"`
	Contact     string `toml:"contact"`
	Age         int    `toml:"age"`     // days since it was posted
	Expires     int    `toml:"expires"` // days until it expires
}

type labSeed struct {
	Name        string        `toml:"name"`
	Description string        `toml:"description"`
	Modules     []string      `toml:"modules"`
	Sessions    []sessionSeed `toml:"sessions"`
}

type sessionSeed struct {
	Module    int      `toml:"module"`
	Territory string   `toml:"territory"`
	Day       int      `toml:"day"`
	Hour      int      `toml:"hour"`
	Hours     int      `toml:"hours"`
	Place     string   `toml:"place"`
	Map       string   `toml:"map"`
	Open      bool     `toml:"open"`
	Capacity  int64    `toml:"capacity"`
	Enrol     []string `toml:"enrol"` // beneficiary keys
	RSVP      []string `toml:"rsvp"`  // of those, who answered yes
}

// loadWorld reads and checks demo.toml.
func loadWorld() (world, error) {
	var w world
	md, err := toml.Decode(worldFile, &w)
	if err != nil {
		return w, fmt.Errorf("demo.toml: %w", err)
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		return w, fmt.Errorf("demo.toml: unknown keys %v", extra)
	}
	staff := map[string]bool{}
	for _, s := range w.Staff {
		staff[s.Key] = true
	}
	people := map[string]bool{}
	for _, b := range append([]beneficiarySeed{w.Newcomer}, w.Beneficiaries...) {
		if locales.Match(b.Lang) != b.Lang {
			return w, fmt.Errorf("demo.toml: %s: language %q is not one the bot speaks", b.Name, b.Lang)
		}
		if !staff[b.Tutor] {
			return w, fmt.Errorf("demo.toml: %s: no staff %q", b.Name, b.Tutor)
		}
		people[b.Key] = true
		for _, st := range b.Steps {
			if !validStatus(st.Status) {
				return w, fmt.Errorf("demo.toml: %s: step status %q", b.Name, st.Status)
			}
			if st.Key != "" {
				std, ok := locales.StandardStepByKey(st.Key)
				if !ok || std.Area != st.Area {
					return w, fmt.Errorf("demo.toml: %s: %q is not a standard step of %s", b.Name, st.Key, st.Area)
				}
			} else if strings.TrimSpace(st.Title) == "" {
				return w, fmt.Errorf("demo.toml: %s: a step needs a key or a title", b.Name)
			}
		}
	}
	for _, l := range w.Labs {
		for _, s := range l.Sessions {
			if s.Module < 0 || s.Module >= len(l.Modules) {
				return w, fmt.Errorf("demo.toml: %s: no module %d", l.Name, s.Module)
			}
			for _, k := range append(append([]string{}, s.Enrol...), s.RSVP...) {
				if !people[k] {
					return w, fmt.Errorf("demo.toml: %s: no beneficiary %q", l.Name, k)
				}
			}
		}
	}
	return w, nil
}

// validStatus tells whether a step status is one the schema takes.
func validStatus(s string) bool {
	switch s {
	case storage.StepTodo, storage.StepInProgress, storage.StepDone, storage.StepBlocked:
		return true
	}
	return false
}
