package research_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"testing"
	"time"

	"github.com/insideaut/insidebot/research"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// TestCodebookDescribesEveryColumn: the codebook has one row per column of the people table,
// in the same order, each with a meaning and values.
func TestCodebookDescribesEveryColumn(t *testing.T) {
	var buf bytes.Buffer
	if err := research.WriteCodebook(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, r := range rows[1:] {
		if r[1] == "" || r[2] == "" {
			t.Fatalf("column %s is not explained: %q", r[0], r)
		}
		cols = append(cols, r[0])
	}
	if !slices.Equal(cols, research.PeopleColumns()) {
		t.Fatalf("codebook columns\n%v\nwant\n%v", cols, research.PeopleColumns())
	}
	if got := research.CodebookName("MI", time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)); got != "insidebot-research-20261203-MI-codebook.csv" {
		t.Fatalf("codebook name %s", got)
	}
}

// TestDatasetHasSelfAssessmentScores: a person's first and latest scores per question; "prefer
// not to say" is no score; a question never scored is empty.
func TestDatasetHasSelfAssessmentScores(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		var people []storage.Beneficiary
		for range 5 {
			people = append(people, person(t, db, "MI", "it", t0, false))
		}
		round := func(at time.Time, scores map[int]int) {
			r, err := storage.StartAssessmentRound(ctx, db, people[0].ID, storage.AssessmentPeriodic, at)
			if err != nil {
				t.Fatal(err)
			}
			for q, s := range scores {
				if _, err := storage.AnswerAssessment(ctx, db, r.ID, q, s, at); err != nil {
					t.Fatal(err)
				}
			}
		}
		round(t0, map[int]int{1: 2, 2: 0})
		round(t0.Add(time.Hour), map[int]int{1: 4, 2: 3})
		d, err := research.Build(ctx, db, []byte("k"), "", t0.Add(2*time.Hour), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := d.WritePeople(&buf); err != nil {
			t.Fatal(err)
		}
		rows, _ := csv.NewReader(&buf).ReadAll()
		col := func(name string) int { return slices.Index(rows[0], name) }
		pid := research.Pseudonym([]byte("k"), people[0].ID)
		for _, r := range rows[1:] {
			want := [4]string{"", "", "", ""}
			if r[0] == pid {
				want = [4]string{"2", "4", "3", "3"}
			}
			got := [4]string{r[col("sa_rent_first")], r[col("sa_rent_latest")], r[col("sa_work_first")], r[col("sa_work_latest")]}
			if got != want || r[col("sa_home_first")] != "" {
				t.Fatalf("row %s: scores %v, want %v", r[0], got, want)
			}
		}
	})
}
