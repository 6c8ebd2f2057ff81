package research

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// Measures of the monitoring export.
const (
	MeasurePeople    = "people"    // keys: enrolled (invited+active+closed), active, closed
	MeasureClosed    = "closed"    // keys: exit reasons (and ReasonUnrecorded when any)
	MeasureOutcomes  = "outcomes"  // keys: outcome kinds; people with a valid outcome of the kind
	MeasureLabs      = "labs"      // keys: modules_held, attendances_present
	MeasureOperators = "operators" // keys: active, trained (present at an operators' lab session)
)

// ReasonUnrecorded is the key of closed cases whose closing has no exit reason on record.
const ReasonUnrecorded = "unrecorded"

// MonitoringRow is one cell of the monitoring export: a count, never about one person.
type MonitoringRow struct {
	Territory string // a province code, or ALL
	Measure   string
	Key       string
	Value     int
}

// MonitoringColumns are the monitoring CSV's header.
func MonitoringColumns() []string { return []string{"territory", "measure", "key", "value"} }

// Monitoring is the funder's monitoring export: counts per territory and, when not limited
// to one territory, over all of them.
type Monitoring struct {
	Territory string // "" for every territory
	Rows      []MonitoringRow
}

// BuildMonitoring reads the monitoring counts of one territory (every territory when ""),
// as of now: a lab module is held when one of its sessions, not cancelled, has started.
func BuildMonitoring(ctx context.Context, q storage.Queryer, territory string, now time.Time) (Monitoring, error) {
	codes := []string{territory}
	if territory == "" {
		ts, err := storage.Territories(ctx, q)
		if err != nil {
			return Monitoring{}, err
		}
		codes = codes[:0]
		for _, t := range ts {
			codes = append(codes, t.Code)
		}
	}
	d, err := storage.LoadMonitoring(ctx, q, territory, now)
	if err != nil {
		return Monitoring{}, err
	}
	m := Monitoring{Territory: territory}
	for _, code := range codes {
		m.Rows = append(m.Rows, monitoringRows(code, d, func(t string) bool { return t == code }, -1, -1)...)
	}
	if territory == "" {
		m.Rows = append(m.Rows, monitoringRows(AllTerritories, d, func(string) bool { return true }, d.AllModules, d.AllTrained)...)
	}
	return m, nil
}

// monitoringRows computes one territory's rows from the counts whose territory is in scope;
// modules and trained, when not negative, are the number of modules held and of operators
// trained (each distinct over territories).
func monitoringRows(territory string, d storage.MonitoringData, in func(string) bool, modules, trained int) []MonitoringRow {
	sum := func(counts []storage.MonitoringCount, key func(string) bool) int {
		n := 0
		for _, c := range counts {
			if in(c.Territory) && key(c.Key) {
				n += c.N
			}
		}
		return n
	}
	is := func(k string) func(string) bool { return func(s string) bool { return s == k } }
	every := func(string) bool { return true }
	var out []MonitoringRow
	add := func(measure, key string, n int) {
		out = append(out, MonitoringRow{Territory: territory, Measure: measure, Key: key, Value: n})
	}
	add(MeasurePeople, "enrolled", sum(d.People, every))
	add(MeasurePeople, storage.BeneficiaryActive, sum(d.People, is(storage.BeneficiaryActive)))
	add(MeasurePeople, storage.BeneficiaryClosed, sum(d.People, is(storage.BeneficiaryClosed)))
	for _, r := range storage.ExitReasons() {
		add(MeasureClosed, r, sum(d.Closed, is(r)))
	}
	if n := sum(d.Closed, func(k string) bool { return !storage.IsExitReason(k) }); n > 0 {
		add(MeasureClosed, ReasonUnrecorded, n)
	}
	for _, k := range storage.OutcomeKinds() {
		add(MeasureOutcomes, k, sum(d.Outcomes, is(k)))
	}
	if modules < 0 {
		modules = sum(d.Modules, every)
	}
	add(MeasureLabs, "modules_held", modules)
	add(MeasureLabs, "attendances_present", sum(d.Present, every))
	add(MeasureOperators, "active", sum(d.Operators, every))
	if trained < 0 {
		trained = sum(d.Trained, every)
	}
	add(MeasureOperators, "trained", trained)
	return out
}

// WriteCSV writes the monitoring export: territory,measure,key,value.
func (m Monitoring) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(MonitoringColumns()); err != nil {
		return fmt.Errorf("monitoring csv: %w", err)
	}
	for _, r := range m.Rows {
		if err := cw.Write([]string{r.Territory, r.Measure, r.Key, strconv.Itoa(r.Value)}); err != nil {
			return fmt.Errorf("monitoring csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("monitoring csv: %w", err)
	}
	return nil
}

// MonitoringFileName names the monitoring CSV of a territory ("" for all) on a day.
func MonitoringFileName(territory string, now time.Time) string {
	base := "insidebot-monitoring-" + now.UTC().Format("20060102")
	if territory != "" {
		base += "-" + territory
	}
	return base + ".csv"
}
