package research

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// AssessmentTopic is a self-assessment question as the dataset names it.
type AssessmentTopic struct {
	Name    string // in column names: sa_<name>_first
	Meaning string
}

// AssessmentTopics are the self-assessment's questions in order (question 1 first).
func AssessmentTopics() []AssessmentTopic {
	return []AssessmentTopic{
		{"rent", "can pay rent and bills on their own"},
		{"work", "feels able to find work"},
		{"offices", "can deal with offices (Questura, municipality, health service) on their own"},
		{"support", "has people to rely on"},
		{"home", "feels at home in their city"},
	}
}

// CodebookEntry describes one column of the people table.
type CodebookEntry struct{ Column, Meaning, Values string }

// Codebook describes every column of the people table, in order.
func Codebook() []CodebookEntry {
	steps := strings.Join(statuses(), ", ")
	out := []CodebookEntry{
		{"pid", "the person's keyed pseudonym (HMAC-SHA256 with RESEARCH_KEY): stable for a key, not linkable without it", "32 hexadecimal characters"},
		{"territory", "the project territory", "AN, AV, BO, FG, MI, PG, RG, SO, VA; " + Suppressed + " when fewer than 5 people share it"},
		{"lang", "the language the person uses the bot in", "it, en, fr, ar, ur, bn, fa-AF, ps, so, ti; " + Suppressed + " when fewer than 5 people of the territory share it"},
		{"status", "the case status", "invited, active, closed"},
		{"months_in_project", "whole months from onboarding (or invitation) to closing or the export", "0 or more"},
		{"steps_total", "plan steps", "0 or more"},
		{"steps_overdue", "plan steps not done whose due date has passed", "0 or more"},
	}
	for _, area := range storage.Areas() {
		for _, st := range statuses() {
			out = append(out, CodebookEntry{"steps_" + area + "_" + st, "plan steps of area " + area + " with status " + st + " (statuses: " + steps + ")", "0 or more"})
		}
	}
	out = append(out,
		CodebookEntry{"lab_enrolled", "enrolments in lab sessions not cancelled", "0 or more"},
		CodebookEntry{"lab_present", "of which attended", "0 or more"},
		CodebookEntry{"lab_absent", "of which absent", "0 or more"},
		CodebookEntry{"lab_rsvp_no", "of which answered they would not come", "0 or more"},
		CodebookEntry{"lead_interest_housing", "housing leads the person said they were interested in", "0 or more"},
		CodebookEntry{"lead_interest_job", "job leads the person said they were interested in", "0 or more"},
		CodebookEntry{"exit_reason", "why a closed case closed (empty while open)", strings.Join(storage.ExitReasons(), ", ") + ", empty"},
	)
	for _, k := range storage.OutcomeKinds() {
		out = append(out, CodebookEntry{"outcomes_" + k, "valid (not corrected, not withdrawn) outcomes of the kind " + k, "0 or more"})
	}
	out = append(out,
		CodebookEntry{"months_to_first_housing", "whole months from joining to the first housing outcome", "0 or more; empty when none"},
		CodebookEntry{"months_to_first_work", "whole months from joining to the first work outcome", "0 or more; empty when none"},
	)
	for _, t := range AssessmentTopics() {
		out = append(out,
			CodebookEntry{"sa_" + t.Name + "_first", "self-assessment, first score: " + t.Meaning, "1 (not at all) to 5 (completely); empty: never scored (not asked, skipped or prefer not to say)"},
			CodebookEntry{"sa_" + t.Name + "_latest", "self-assessment, latest score: " + t.Meaning, "1 to 5; empty: never scored"})
	}
	return out
}

// WriteCodebook writes the codebook as CSV: column, meaning, values.
func WriteCodebook(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"column", "meaning", "values"}); err != nil {
		return fmt.Errorf("write codebook: %w", err)
	}
	for _, e := range Codebook() {
		if err := cw.Write([]string{e.Column, e.Meaning, e.Values}); err != nil {
			return fmt.Errorf("write codebook: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// CodebookName is the codebook's file name beside a dataset exported on a day.
func CodebookName(territory string, now time.Time) string {
	people, _ := FileNames(territory, now)
	return strings.TrimSuffix(people, ".csv") + "-codebook.csv"
}
