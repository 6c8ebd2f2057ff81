package research

import (
	"fmt"
	"sort"

	"github.com/insideaut/insidebot/storage"
)

// AllTerritories names the row of a figure over every territory.
const AllTerritories = "ALL"

// Aggregate is one figure of the aggregated tables: how many people a cell is about and its
// value. A cell about 1 to MinCell-1 people is suppressed (Note "<5"), and so is a second cell
// when one suppressed cell could be worked out from the others and the total (Note
// "complementary"); a suppressed cell shows neither people nor value.
type Aggregate struct {
	Table     string // people, lang, steps, labs, leads
	Territory string // a province code, or ALL
	Key       string
	People    int
	Value     string
	Note      string
}

// Notes of suppressed cells.
const (
	NoteSmall         = "<5"
	NoteComplementary = "complementary"
)

// aggregates computes every table over the consenting people, per territory and over all of
// them (when the dataset is not limited to one territory), then suppresses small cells.
func aggregates(people []Person, scope string) []Aggregate {
	groups := map[string][]Person{}
	var codes []string
	for _, p := range people {
		if _, ok := groups[p.Territory]; !ok {
			codes = append(codes, p.Territory)
		}
		groups[p.Territory] = append(groups[p.Territory], p)
	}
	sort.Strings(codes)
	if scope == "" && len(people) > 0 {
		groups[AllTerritories] = people
		codes = append(codes, AllTerritories)
	}
	var out []Aggregate
	for _, t := range codes {
		out = append(out, cellsOf(t, groups[t])...)
	}
	suppress(out)
	return out
}

// cellsOf computes the cells of one territory.
func cellsOf(territory string, people []Person) []Aggregate {
	var out []Aggregate
	add := func(table, key string, n int, value string) {
		out = append(out, Aggregate{Table: table, Territory: territory, Key: key, People: n, Value: value})
	}
	count := func(match func(Person) bool) int {
		n := 0
		for _, p := range people {
			if match(p) {
				n++
			}
		}
		return n
	}
	sum := func(f func(Person) int) int {
		n := 0
		for _, p := range people {
			n += f(p)
		}
		return n
	}
	for _, st := range []string{storage.BeneficiaryActive, storage.BeneficiaryClosed, storage.BeneficiaryInvited} {
		n := count(func(p Person) bool { return p.Status == st })
		add("people", st, n, fmt.Sprint(n))
	}
	langs := map[string]int{}
	for _, p := range people {
		langs[p.Lang]++
	}
	keys := make([]string, 0, len(langs))
	for l := range langs {
		keys = append(keys, l)
	}
	sort.Strings(keys)
	for _, l := range keys {
		add("lang", l, langs[l], fmt.Sprint(langs[l]))
	}
	for _, area := range storage.Areas() {
		for _, st := range statuses() {
			k := area + "/" + st
			add("steps", k, count(func(p Person) bool { return p.Steps[k] > 0 }), fmt.Sprint(sum(func(p Person) int { return p.Steps[k] })))
		}
	}
	add("labs", "enrolled", count(func(p Person) bool { return p.LabEnrolled > 0 }), fmt.Sprint(sum(func(p Person) int { return p.LabEnrolled })))
	present, absent := sum(func(p Person) int { return p.LabPresent }), sum(func(p Person) int { return p.LabAbsent })
	rate := ""
	if present+absent > 0 {
		rate = fmt.Sprintf("%.2f", float64(present)/float64(present+absent))
	}
	add("labs", "attendance_rate", count(func(p Person) bool { return p.LabPresent+p.LabAbsent > 0 }), rate)
	add("leads", storage.LeadHousing, count(func(p Person) bool { return p.LeadHousing > 0 }), fmt.Sprint(sum(func(p Person) int { return p.LeadHousing })))
	add("leads", storage.LeadJob, count(func(p Person) bool { return p.LeadJob > 0 }), fmt.Sprint(sum(func(p Person) int { return p.LeadJob })))
	return out
}

func small(a Aggregate) bool { return a.People > 0 && a.People < MinCell }

// suppress blanks small cells, then complementary ones: where a single cell of a territory is
// suppressed and the ALL row (or the other cells of a partition of the people) would give it
// away.
func suppress(cells []Aggregate) {
	for i := range cells {
		if small(cells[i]) {
			cells[i].Note = NoteSmall
		}
	}
	// Across territories: per table and key, ALL minus the other territories gives a lone
	// suppressed cell away.
	byKey := map[[2]string][]int{}
	for i, c := range cells {
		byKey[[2]string{c.Table, c.Key}] = append(byKey[[2]string{c.Table, c.Key}], i)
	}
	for _, idx := range byKey {
		var all = -1
		var territories []int
		for _, i := range idx {
			if cells[i].Territory == AllTerritories {
				all = i
			} else {
				territories = append(territories, i)
			}
		}
		if all >= 0 && cells[all].Note == "" {
			complement(cells, territories, all)
		}
	}
	// Within a territory: statuses and languages each partition its people, whose number the
	// other partition gives away.
	byPart := map[[2]string][]int{}
	for i, c := range cells {
		if c.Table == "people" || c.Table == "lang" {
			byPart[[2]string{c.Table, c.Territory}] = append(byPart[[2]string{c.Table, c.Territory}], i)
		}
	}
	for _, idx := range byPart {
		complement(cells, idx, -1)
	}
	for i := range cells {
		if cells[i].Note != "" {
			cells[i].People, cells[i].Value = 0, ""
		}
	}
}

// complement suppresses one more cell of group when exactly one is suppressed: the smallest
// other non-empty cell, or the total (index total, -1 for none) when there is none.
func complement(cells []Aggregate, group []int, total int) {
	suppressed, candidate := 0, -1
	for _, i := range group {
		switch {
		case cells[i].Note != "":
			suppressed++
		case cells[i].People > 0 && (candidate < 0 || cells[i].People < cells[candidate].People):
			candidate = i
		}
	}
	if suppressed != 1 {
		return
	}
	switch {
	case candidate >= 0:
		cells[candidate].Note = NoteComplementary
	case total >= 0:
		cells[total].Note = NoteComplementary
	}
}
