// Package importer loads beneficiaries, leads and lab sessions from CSV files (the
// `insidebot import` command). Every row is checked first and every problem reported as
// "line N, column X: reason"; if any row is wrong nothing is imported. The import runs in one
// transaction and is written to the audit log. README.md documents the columns.
package importer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Kinds of import.
const (
	Beneficiaries = "beneficiaries"
	Leads         = "leads"
	Sessions      = "sessions"
)

// Kinds lists what can be imported.
func Kinds() []string { return []string{Beneficiaries, Leads, Sessions} }

// Problem is one thing wrong with the file: where, and a message id of the catalogue's
// importer section with its values.
type Problem struct {
	Line   int
	Column string
	ID     string
	KV     []any
}

// Render says the problem in a language: "line 4, column date: ...".
func (p Problem) Render(l *locales.Localizer) string {
	return l.T("importer.problem", "Line", p.Line, "Column", p.Column, "Reason", l.T(p.ID, p.KV...))
}

// Rejected is a file with problems: nothing was imported.
type Rejected struct {
	Problems []Problem
}

func (r *Rejected) Error() string {
	return fmt.Sprintf("import rejected: %d problems", len(r.Problems))
}

// Options are what an import needs besides the file.
type Options struct {
	Location  *time.Location // BOT_TIMEZONE: session dates and times are read in it
	InviteTTL time.Duration  // how long imported beneficiaries' invites last
	Now       time.Time
	// Territory, when set, is the only territory the file may hold rows of (a coordinator's
	// import): each row of another territory is a problem.
	Territory string
	// By is who imports, for the audit log: a staff member's id (the desk), or none (the CLI).
	By sql.NullInt64
	// Action is the audit log's action ("import <kind>" when empty).
	Action string
}

// Result is what an import created.
type Result struct {
	Kind string
	Rows int
	// For beneficiaries: who was created from which line, with their one-time invite codes.
	Created []Created
}

// Created is a beneficiary created by an import.
type Created struct {
	Line int
	storage.BulkCreated
}

// Import checks every row of a CSV file of kind and, when none is wrong, imports them all in one
// transaction. A file with problems returns a *Rejected and changes nothing.
func Import(ctx context.Context, db *storage.DB, kind string, r io.Reader, opt Options) (Result, error) {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.InviteTTL == 0 {
		opt.InviteTTL = 14 * 24 * time.Hour
	}
	var cols []column
	switch kind {
	case Beneficiaries:
		cols = beneficiaryColumns()
	case Leads:
		cols = leadColumns()
	case Sessions:
		cols = sessionColumns()
	default:
		return Result{}, fmt.Errorf("import: %q is not something to import (beneficiaries, leads or sessions)", kind)
	}
	t, err := readTable(r, cols)
	if err != nil {
		return Result{}, fmt.Errorf("import: read file: %w", err)
	}
	if len(t.problems) > 0 {
		return Result{}, &Rejected{Problems: t.problems}
	}
	res := Result{Kind: kind, Rows: len(t.rows)}
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		var problems []Problem
		var err error
		switch kind {
		case Beneficiaries:
			res.Created, problems, err = importBeneficiaries(ctx, tx, t.rows, opt)
		case Leads:
			problems, err = importLeads(ctx, tx, t.rows, opt)
		case Sessions:
			problems, err = importSessions(ctx, tx, t.rows, opt)
		}
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			return &Rejected{Problems: problems}
		}
		if err := storage.MarkReal(ctx, tx, opt.Now); err != nil {
			return err
		}
		actor, action := storage.ActorCLI, opt.Action
		if opt.By.Valid {
			actor = storage.ActorStaff
		}
		if action == "" {
			action = "import " + kind
		}
		return storage.Audit(ctx, tx, storage.AuditEntry{At: opt.Now, ActorKind: actor, ActorID: opt.By, Action: action,
			TargetKind: kind, Detail: fmt.Sprintf("rows=%d", len(t.rows))})
	})
	var rej *Rejected
	if errors.As(err, &rej) {
		return Result{}, rej
	}
	if err != nil {
		return Result{}, fmt.Errorf("import %s: %w", kind, err)
	}
	return res, nil
}

// checker collects a row's problems while reading its fields.
type checker struct {
	rec      record
	problems *[]Problem
}

// duplicate reports a row whose key is already in the database (answered with dbMsg, naming
// the record as dbArg) or on an earlier line of the file; a new key is remembered.
func duplicate[V any](c checker, col, key string, existing map[string]V, inFile map[string]int, dbMsg, dbArg string) {
	if v, ok := existing[key]; ok {
		c.bad(col, dbMsg, dbArg, v)
	} else if other, ok := inFile[key]; ok {
		c.bad(col, "importer.duplicate_in_file", "Other", other)
	} else {
		inFile[key] = c.rec.line
	}
}

func (c checker) bad(col, id string, kv ...any) {
	*c.problems = append(*c.problems, Problem{Line: c.rec.line, Column: col, ID: id, KV: kv})
}

// text reads a column; required and length are checked.
func (c checker) text(col string, required bool, max int) string {
	v := c.rec.fields[col]
	switch {
	case bot.HasUnwanted(v):
		// A NUL byte or another control character (a file saved by a broken tool): no
		// database takes it as text, and nobody typed it.
		c.bad(col, "importer.control_char")
		return ""
	case v == "" && required:
		c.bad(col, "importer.required")
	case utf8.RuneCountInString(v) > max:
		c.bad(col, "importer.too_long", "Max", max)
	}
	return v
}

// territory reads a province code; only, when set, is the one territory the importer may use.
func (c checker) territory(col string, known map[string]bool, only string) string {
	v := strings.ToUpper(c.text(col, true, 20))
	switch {
	case v != "" && !known[v]:
		c.bad(col, "ui.bad_territory", "Input", v)
	case v != "" && only != "" && v != only:
		c.bad(col, "importer.other_territory", "Value", v, "Territory", only)
	}
	return v
}

// number reads a positive whole number (0 when empty).
func (c checker) number(col string, required bool) int64 {
	v := c.text(col, required, 12)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
	if err != nil || n <= 0 {
		c.bad(col, "importer.bad_number", "Value", v)
		return 0
	}
	return n
}

// flag reads yes/no (and sì/no, true/false, 1/0); ok is false when empty.
func (c checker) flag(col string) (value, ok bool) {
	v := strings.ToLower(c.text(col, false, 20))
	switch v {
	case "":
		return false, false
	case "yes", "y", "si", "sì", "true", "1", "open", "aperta":
		return true, true
	case "no", "n", "false", "0", "closed", "chiusa":
		return false, true
	}
	c.bad(col, "importer.bad_bool", "Value", v)
	return false, false
}

// date reads a civil date.
func (c checker) date(col string, required bool) string {
	v := c.text(col, required, 12)
	if v == "" {
		return ""
	}
	d, err := civil.ParseDate(v)
	if err != nil {
		c.bad(col, "importer.bad_date", "Value", v)
		return ""
	}
	return d
}

// link reads an http(s) URL.
func (c checker) link(col string) string {
	v := c.text(col, false, 500)
	if v == "" {
		return ""
	}
	if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.bad(col, "importer.bad_url", "Value", v)
		return ""
	}
	return v
}

// fold is a text's form for finding duplicates: lower case, single spaces.
func fold(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func territorySet(ctx context.Context, q storage.Queryer) (map[string]bool, error) {
	ts, err := storage.Territories(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ts))
	for _, t := range ts {
		out[t.Code] = true
	}
	return out, nil
}
