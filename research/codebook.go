package research

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/insideaut/insidebot/storage"
)

// Codebook describes every column of the people table: column, meaning, values. It is written
// beside the data (…-codebook.csv).
func Codebook() [][3]string {
	rows := [][3]string{
		{"pid", "keyed pseudonym of the person (HMAC-SHA256 with RESEARCH_KEY, 32 hex characters)", "text"},
		{"territory", "project territory; * when fewer than 5 people of it are in the table", "AN, AV, BO, FG, MI, PG, RG, SO, VA, *"},
		{"lang", "language the person reads the bot in; * when fewer than 5 people of the territory share it", "en, it, fr, ar, ur, bn, fa-AF, ps, so, ti, *"},
		{"status", "case status", "invited, active, closed"},
		{"months_in_project", "whole months from joining (or invitation) to today or to the closing", "0 or more"},
		{"steps_total", "plan steps", "0 or more"},
		{"steps_overdue", "plan steps not done past their due date", "0 or more"},
	}
	for _, area := range storage.Areas() {
		for _, st := range statuses() {
			rows = append(rows, [3]string{"steps_" + area + "_" + st, "plan steps of the area " + area + " with status " + st, "0 or more"})
		}
	}
	rows = append(rows,
		[3]string{"lab_enrolled", "enrolments in lab sessions that were not cancelled", "0 or more"},
		[3]string{"lab_present", "sessions attended", "0 or more"},
		[3]string{"lab_absent", "sessions missed", "0 or more"},
		[3]string{"lab_rsvp_no", "sessions answered 'I will not come'", "0 or more"},
		[3]string{"lead_interest_housing", "housing offers the person showed interest in", "0 or more"},
		[3]string{"lead_interest_job", "job offers the person showed interest in", "0 or more"},
		[3]string{"exit_reason", "why a closed case closed (empty while open)", strings.Join(storage.ExitReasons(), ", ") + ", empty"},
	)
	for _, k := range storage.OutcomeKinds() {
		rows = append(rows, [3]string{"outcomes_" + k, "valid (not corrected, not withdrawn) outcomes of the kind " + k, "0 or more"})
	}
	return append(rows,
		[3]string{"months_to_first_housing", "whole months from joining to the first housing outcome", "0 or more, empty when none"},
		[3]string{"months_to_first_work", "whole months from joining to the first work outcome", "0 or more, empty when none"},
	)
}

// WriteCodebook writes the codebook as CSV with a header row.
func WriteCodebook(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"column", "meaning", "values"}); err != nil {
		return fmt.Errorf("write codebook: %w", err)
	}
	for _, r := range Codebook() {
		if err := cw.Write(r[:]); err != nil {
			return fmt.Errorf("write codebook: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}
