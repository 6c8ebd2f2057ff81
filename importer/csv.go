package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
)

// column is a column an import takes.
type column struct {
	name     string
	required bool
}

// record is one data row with the file line it starts on.
type record struct {
	line   int
	fields map[string]string
}

// table is a parsed file: its rows by column name, or the problems that keep it from being read.
type table struct {
	rows     []record
	problems []Problem
}

// readTable reads a CSV file (comma or semicolon separated, as spreadsheets in Italy save it,
// with or without a UTF-8 byte-order mark) against the columns of an import. The header names
// the columns, in any order.
func readTable(r io.Reader, cols []column) (table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return table{}, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delimiter(data)
	cr.FieldsPerRecord = -1
	var t table
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		t.problems = append(t.problems, Problem{Line: 1, Column: "-", ID: "importer.empty"})
		return t, nil
	}
	if err != nil {
		return t, csvProblem(&t, err, data, cr.Comma, nil)
	}
	names := make([]string, len(header))
	seen := map[string]bool{}
	known := map[string]bool{}
	var valid []string
	for _, c := range cols {
		known[c.name] = true
		valid = append(valid, c.name)
	}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		names[i] = name
		switch {
		case !known[name]:
			t.problems = append(t.problems, Problem{Line: 1, Column: columnName(name, i), ID: "importer.unknown_column", KV: []any{"Valid", strings.Join(valid, ", ")}})
		case seen[name]:
			t.problems = append(t.problems, Problem{Line: 1, Column: name, ID: "importer.duplicate_column"})
		}
		seen[name] = true
	}
	for _, c := range cols {
		if c.required && !seen[c.name] {
			t.problems = append(t.problems, Problem{Line: 1, Column: c.name, ID: "importer.missing_column"})
		}
	}
	if len(t.problems) > 0 {
		return t, nil
	}
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return t, csvProblem(&t, err, data, cr.Comma, names)
		}
		line, _ := cr.FieldPos(0)
		if len(fields) != len(names) {
			col := strconv.Itoa(len(names) + 1)
			if len(fields) < len(names) {
				col = names[len(fields)]
			}
			t.problems = append(t.problems, Problem{Line: line, Column: col, ID: "importer.field_count", KV: []any{"Got", len(fields), "Want", len(names)}})
			continue
		}
		rec := record{line: line, fields: make(map[string]string, len(names))}
		for i, f := range fields {
			rec.fields[names[i]] = strings.TrimSpace(f)
		}
		t.rows = append(t.rows, rec)
	}
	if len(t.rows) == 0 && len(t.problems) == 0 {
		t.problems = append(t.problems, Problem{Line: 2, Column: "-", ID: "importer.empty"})
	}
	return t, nil
}

// csvProblem turns a CSV syntax error into the file's last problem (nothing after it can be
// read reliably), naming the column it happened in.
func csvProblem(t *table, err error, data []byte, delim rune, header []string) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	t.problems = append(t.problems, Problem{Line: pe.Line, Column: fieldOfError(data, pe, delim, header), ID: "importer.bad_csv"})
	return nil
}

// fieldOfError finds which field a syntax error is in: the delimiters outside quotes from the
// start of its record to the error.
func fieldOfError(data []byte, pe *csv.ParseError, delim rune, header []string) string {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if pe.StartLine < 1 || pe.Line < pe.StartLine || pe.Line > len(lines) {
		return strconv.Itoa(pe.Column)
	}
	var raw []byte
	for i := pe.StartLine; i < pe.Line; i++ {
		raw = append(raw, lines[i-1]...)
	}
	last := lines[pe.Line-1]
	raw = append(raw, last[:min(max(pe.Column-1, 0), len(last))]...)
	field, quoted := 0, false
	for _, r := range string(raw) {
		switch {
		case r == '"':
			quoted = !quoted
		case r == delim && !quoted:
			field++
		}
	}
	if field < len(header) {
		return header[field]
	}
	return strconv.Itoa(field + 1)
}

// columnName names a header cell in a report: its text, or its position when empty.
func columnName(name string, i int) string {
	if name == "" {
		return strconv.Itoa(i + 1)
	}
	return name
}

// delimiter guesses the separator from the header line: a semicolon when it has more of them
// than commas.
func delimiter(data []byte) rune {
	first, _ := bufio.NewReader(bytes.NewReader(data)).ReadString('\n')
	if strings.Count(first, ";") > strings.Count(first, ",") {
		return ';'
	}
	return ','
}
