package research

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// PeopleColumns are the columns of the people table, in order (README.md explains each).
func PeopleColumns() []string {
	cols := []string{"pid", "territory", "lang", "status", "months_in_project", "steps_total", "steps_overdue"}
	for _, area := range storage.Areas() {
		for _, st := range statuses() {
			cols = append(cols, "steps_"+area+"_"+st)
		}
	}
	cols = append(cols, "lab_enrolled", "lab_present", "lab_absent", "lab_rsvp_no", "lead_interest_housing", "lead_interest_job", "exit_reason")
	for _, k := range storage.OutcomeKinds() {
		cols = append(cols, "outcomes_"+k)
	}
	cols = append(cols, "months_to_first_housing", "months_to_first_work")
	for _, t := range AssessmentTopics() {
		cols = append(cols, "sa_"+t.Name+"_first", "sa_"+t.Name+"_latest")
	}
	return cols
}

// AggregateColumns are the columns of the aggregated tables.
func AggregateColumns() []string {
	return []string{"table", "territory", "key", "people", "value", "note"}
}

// WritePeople writes the people table as CSV with a header row.
func (d Dataset) WritePeople(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(PeopleColumns()); err != nil {
		return fmt.Errorf("write research csv: %w", err)
	}
	for _, p := range d.People {
		row := []string{p.PID, p.Territory, p.Lang, p.Status, strconv.Itoa(p.Months), strconv.Itoa(p.StepsTotal), strconv.Itoa(p.StepsOverdue)}
		for _, area := range storage.Areas() {
			for _, st := range statuses() {
				row = append(row, strconv.Itoa(p.Steps[area+"/"+st]))
			}
		}
		row = append(row, strconv.Itoa(p.LabEnrolled), strconv.Itoa(p.LabPresent), strconv.Itoa(p.LabAbsent), strconv.Itoa(p.LabRSVPNo),
			strconv.Itoa(p.LeadHousing), strconv.Itoa(p.LeadJob), p.ExitReason)
		for _, k := range storage.OutcomeKinds() {
			row = append(row, strconv.Itoa(p.Outcomes[k]))
		}
		for _, k := range []string{storage.OutcomeHousing, storage.OutcomeWork} {
			if m, ok := p.MonthsTo[k]; ok {
				row = append(row, strconv.Itoa(m))
			} else {
				row = append(row, "")
			}
		}
		for _, a := range p.Assessment {
			row = append(row, score(a[0]), score(a[1]))
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write research csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteAggregates writes the aggregated tables as CSV with a header row.
func (d Dataset) WriteAggregates(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(AggregateColumns()); err != nil {
		return fmt.Errorf("write research csv: %w", err)
	}
	for _, a := range d.Aggregates {
		people := strconv.Itoa(a.People)
		if a.Note != "" {
			people = ""
		}
		if err := cw.Write([]string{a.Table, a.Territory, a.Key, people, a.Value, a.Note}); err != nil {
			return fmt.Errorf("write research csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// FileNames are the names of the two files of a dataset exported on a day.
func FileNames(territory string, now time.Time) (people, aggregates string) {
	base := "insidebot-research-" + now.UTC().Format("20060102")
	if territory != "" {
		base += "-" + territory
	}
	return base + ".csv", base + "-aggregates.csv"
}

// score is a self-assessment score in the people table: 1-5, or empty when none was given.
func score(v int) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(v)
}
