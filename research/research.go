// Package research builds the research dataset of INSIDE AUT: what /export sends and
// `insidebot export research` writes. Only beneficiaries who gave the research consent are in
// it, each under a keyed pseudonym (HMAC-SHA256 with RESEARCH_KEY); it holds no name, code,
// phone number, platform id or free text, and no figure about fewer than MinCell people.
// README.md documents its columns.
package research

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// MinCell is the fewest people a published figure may be about; smaller cells are suppressed.
const MinCell = 5

// Suppressed marks a generalised territory or language in the people table.
const Suppressed = "*"

// ErrNoKey means RESEARCH_KEY is not configured: there is no way to pseudonymise.
var ErrNoKey = errors.New("research: RESEARCH_KEY is empty")

// statuses are the plan step statuses in the dataset's column order.
func statuses() []string {
	return []string{storage.StepTodo, storage.StepInProgress, storage.StepDone, storage.StepBlocked}
}

// Person is one row of the people table: one pseudonymised beneficiary.
type Person struct {
	PID          string
	Territory    string
	Lang         string
	Status       string
	Months       int
	StepsTotal   int
	StepsOverdue int
	Steps        map[string]int // "area/status" -> steps
	LabEnrolled  int
	LabPresent   int
	LabAbsent    int
	LabRSVPNo    int
	LeadHousing  int
	LeadJob      int
	// ExitReason is a closed case's exit reason ("" while open).
	ExitReason string
	// Outcomes counts valid outcomes by kind; MonthsTo the whole months from joining to the
	// first outcome of a kind (absent: none).
	Outcomes map[string]int
	MonthsTo map[string]int
	// Assessment holds, per self-assessment question (AssessmentTopics order), the first and
	// the latest score (1-5; 0: none given).
	Assessment [storage.AssessmentQuestions][2]int
}

// Dataset is the research dataset of one territory or all.
type Dataset struct {
	Territory  string // "" for every territory
	Consenting int    // beneficiaries in scope who gave the research consent
	People     []Person
	Aggregates []Aggregate
}

// Pseudonym is a beneficiary's keyed pseudonym: stable for a key, unrelated across keys, and
// impossible to link back to the person without the key.
func Pseudonym(key []byte, beneficiaryID int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("insidebot-research/v1:beneficiary:" + strconv.FormatInt(beneficiaryID, 10)))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Build reads the dataset of one territory (all when territory is ""), in loc's calendar.
func Build(ctx context.Context, q storage.Queryer, key []byte, territory string, now time.Time, loc *time.Location) (Dataset, error) {
	if len(key) == 0 {
		return Dataset{}, ErrNoKey
	}
	if loc == nil {
		loc = time.UTC
	}
	src, err := storage.LoadResearchData(ctx, q, territory, now.In(loc).Format("2006-01-02"))
	if err != nil {
		return Dataset{}, err
	}
	byID := make(map[int64]*Person, len(src.People))
	starts := make(map[int64]time.Time, len(src.People))
	people := make([]Person, len(src.People))
	for i, p := range src.People {
		start := p.CreatedAt
		if p.OnboardedAt.Valid {
			start = p.OnboardedAt.Time
		}
		end := now
		if p.ClosedAt.Valid {
			end = p.ClosedAt.Time
		}
		people[i] = Person{PID: Pseudonym(key, p.ID), Territory: p.Territory, Lang: p.Lang, Status: p.Status,
			Months: monthsBetween(start.In(loc), end.In(loc)), Steps: map[string]int{}, Outcomes: map[string]int{}, MonthsTo: map[string]int{}}
		byID[p.ID] = &people[i]
		starts[p.ID] = start
	}
	outcomes, closings, err := storage.LoadResearchOutcomes(ctx, q, territory)
	if err != nil {
		return Dataset{}, err
	}
	for _, o := range outcomes {
		if p := byID[o.BeneficiaryID]; p != nil {
			p.Outcomes[o.Kind] = o.N
			if first, err := time.ParseInLocation("2006-01-02", o.FirstOn, loc); err == nil {
				p.MonthsTo[o.Kind] = monthsBetween(starts[o.BeneficiaryID].In(loc), first)
			}
		}
	}
	for _, c := range closings {
		if p := byID[c.BeneficiaryID]; p != nil {
			p.ExitReason = c.Reason.String
		}
	}
	for _, s := range src.Steps {
		if p := byID[s.BeneficiaryID]; p != nil {
			p.Steps[s.Area+"/"+s.Status] += s.N
			p.StepsTotal += s.N
			p.StepsOverdue += s.Overdue
		}
	}
	for _, l := range src.Labs {
		if p := byID[l.BeneficiaryID]; p != nil {
			p.LabEnrolled, p.LabPresent, p.LabAbsent, p.LabRSVPNo = l.Enrolled, l.Present, l.Absent, l.RSVPNo
		}
	}
	for _, in := range src.Interests {
		if p := byID[in.BeneficiaryID]; p != nil {
			switch in.Kind {
			case storage.LeadHousing:
				p.LeadHousing += in.N
			case storage.LeadJob:
				p.LeadJob += in.N
			}
		}
	}
	for _, a := range src.Assessments {
		if p := byID[a.BeneficiaryID]; p != nil && a.Question >= 1 && a.Question <= storage.AssessmentQuestions {
			p.Assessment[a.Question-1] = [2]int{int(a.First.Int64), int(a.Latest.Int64)}
		}
	}
	d := Dataset{Territory: territory, Consenting: len(people)}
	d.Aggregates = aggregates(people, territory)
	d.People = generalise(people)
	sort.Slice(d.People, func(i, j int) bool { return d.People[i].PID < d.People[j].PID })
	return d, nil
}

// monthsBetween counts whole months from start to end (0 when end is before start).
func monthsBetween(start, end time.Time) int {
	y1, m1, d1 := start.Date()
	y2, m2, d2 := end.Date()
	n := (y2-y1)*12 + int(m2-m1)
	if d2 < d1 {
		n--
	}
	return max(n, 0)
}

// generalise protects the people table against re-identification by its quasi-identifiers:
// a language shared by fewer than MinCell people of a territory becomes "*", then a territory
// with fewer than MinCell people becomes "*" (and languages are checked again within it). With
// fewer than MinCell people in all, the table has no rows.
func generalise(people []Person) []Person {
	if len(people) < MinCell {
		return nil
	}
	out := make([]Person, len(people))
	copy(out, people)
	suppressLangs := func() {
		groups := map[[2]string]int{}
		for _, p := range out {
			groups[[2]string{p.Territory, p.Lang}]++
		}
		for i, p := range out {
			if groups[[2]string{p.Territory, p.Lang}] < MinCell {
				out[i].Lang = Suppressed
			}
		}
	}
	suppressLangs()
	territories := map[string]int{}
	for _, p := range out {
		territories[p.Territory]++
	}
	for i, p := range out {
		if territories[p.Territory] < MinCell {
			out[i].Territory = Suppressed
		}
	}
	suppressLangs()
	return out
}
