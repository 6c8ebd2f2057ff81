// Package mydata answers a beneficiary's right of access: everything insidebot keeps about
// them, read in one go (Collect), shown as readable messages in their language (Pages) and
// given as a file where the channel can carry one (JSON). Nothing about other people: no other
// beneficiary's code or name, no staff member but their own tutor's name.
package mydata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// maxMessages bounds the conversation a report carries: the newest ones, well beyond what a
// month of MESSAGE_RETENTION holds for a person.
const maxMessages = 500

// Report is what insidebot keeps about one beneficiary. Its JSON form is the file the person
// gets; field values are the stored ones (statuses and areas as codes, times in UTC).
type Report struct {
	GeneratedAt      time.Time    `json:"generated_at"`
	Code             string       `json:"code"`
	Name             string       `json:"name,omitempty"`
	ReceptionContact string       `json:"reception_contact,omitempty"`
	Language         string       `json:"language"`
	Territory        string       `json:"territory"`
	Tutor            string       `json:"tutor,omitempty"`
	HasTutor         bool         `json:"has_tutor"`
	Accounts         []string     `json:"accounts"`
	Consents         []Consent    `json:"consents"`
	Steps            []Step       `json:"plan"`
	Labs             []LabSession `json:"lab_sessions"`
	Interests        []Interest   `json:"offers_asked_about"`
	Messages         []Message    `json:"messages_with_tutor"`
}

// Consent is one purpose the person agreed to, or not.
type Consent struct {
	Purpose string     `json:"purpose"` // service, research, announcements
	Given   bool       `json:"given"`
	Since   *time.Time `json:"since,omitempty"`
}

// Step is one step of the plan.
type Step struct {
	Area      string    `json:"area"`
	Key       string    `json:"standard_step,omitempty"`
	Title     string    `json:"title"`
	Position  int       `json:"position"`
	Status    string    `json:"status"`
	Due       string    `json:"due,omitempty"`
	CreatedAt time.Time `json:"added_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// LabSession is a lab session the person is enrolled in.
type LabSession struct {
	Lab        string    `json:"lab"`
	Module     string    `json:"module"`
	StartsAt   time.Time `json:"starts_at"`
	Place      string    `json:"place,omitempty"`
	Status     string    `json:"session_status"`
	EnrolledAt time.Time `json:"enrolled_at"`
	Answer     string    `json:"answer,omitempty"`     // yes, no
	Attendance string    `json:"attendance,omitempty"` // present, absent
}

// Interest is an offer (housing or job) the person asked about.
type Interest struct {
	Title string    `json:"title"`
	Kind  string    `json:"kind"`
	At    time.Time `json:"at"`
}

// Message is one message between the person and their tutor.
type Message struct {
	At        time.Time `json:"at"`
	FromTutor bool      `json:"from_tutor"`
	Text      string    `json:"text,omitempty"`
	File      string    `json:"file,omitempty"` // the kind of file passed on: voice, photo…
}

// Collect reads everything kept about beneficiary id, as of now.
func Collect(ctx context.Context, q storage.Queryer, id int64, now time.Time) (Report, error) {
	b, err := storage.BeneficiaryByID(ctx, q, id)
	if err != nil {
		return Report{}, fmt.Errorf("my data: %w", err)
	}
	r := Report{GeneratedAt: now.UTC(), Code: b.Code, Name: b.DisplayName.String, ReceptionContact: b.ReceptionContact.String,
		Language: b.Lang, Territory: b.Territory, HasTutor: b.TutorID.Valid}
	if t, err := storage.TerritoryByCode(ctx, q, b.Territory); err == nil {
		r.Territory = t.Name
	} else if !errors.Is(err, storage.ErrNotFound) {
		return r, fmt.Errorf("my data: territory: %w", err)
	}
	if b.TutorID.Valid {
		t, err := storage.StaffByID(ctx, q, b.TutorID.Int64)
		if err != nil {
			return r, fmt.Errorf("my data: tutor: %w", err)
		}
		r.Tutor = t.DisplayName
	}
	idents, err := storage.IdentitiesOf(ctx, q, b.ID, 0)
	if err != nil {
		return r, fmt.Errorf("my data: %w", err)
	}
	r.Accounts = []string{}
	for _, i := range idents {
		r.Accounts = append(r.Accounts, i.Channel)
	}
	r.Consents = consents(b)
	if r.Steps, err = steps(ctx, q, b.ID); err != nil {
		return r, err
	}
	if r.Labs, err = labs(ctx, q, b.ID); err != nil {
		return r, err
	}
	interests, err := storage.InterestsOf(ctx, q, b.ID)
	if err != nil {
		return r, fmt.Errorf("my data: %w", err)
	}
	r.Interests = []Interest{}
	for _, i := range interests {
		r.Interests = append(r.Interests, Interest{Title: i.Title, Kind: i.Kind, At: i.CreatedAt.UTC()})
	}
	msgs, err := storage.ConversationOf(ctx, q, b.ID, 0, maxMessages)
	if err != nil {
		return r, fmt.Errorf("my data: %w", err)
	}
	r.Messages = []Message{}
	for i := len(msgs) - 1; i >= 0; i-- { // oldest first, as a conversation reads
		m := msgs[i]
		r.Messages = append(r.Messages, Message{At: m.CreatedAt.UTC(), FromTutor: m.Direction == storage.ToPerson, Text: m.Body, File: m.MediaKind.String})
	}
	return r, nil
}

func consents(b storage.Beneficiary) []Consent {
	since := func(t sql.NullTime) *time.Time {
		if !t.Valid {
			return nil
		}
		u := t.Time.UTC()
		return &u
	}
	out := []Consent{
		{Purpose: "service", Given: b.ConsentServiceAt.Valid, Since: since(b.ConsentServiceAt)},
		{Purpose: "research", Given: b.ConsentResearchAt.Valid, Since: since(b.ConsentResearchAt)},
		{Purpose: "announcements", Given: b.WantsAnnouncements()},
	}
	if out[2].Given {
		out[2].Since = since(b.ConsentAnnouncementsAt)
	}
	return out
}

func steps(ctx context.Context, q storage.Queryer, id int64) ([]Step, error) {
	plan, err := storage.StepsOf(ctx, q, id)
	if err != nil {
		return nil, fmt.Errorf("my data: %w", err)
	}
	out := []Step{}
	for _, s := range plan {
		out = append(out, Step{Area: s.Area, Key: s.StepKey.String, Title: s.Title.String, Position: s.Position, Status: s.Status,
			Due: s.DueDate.String, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()})
	}
	return out, nil
}

func labs(ctx context.Context, q storage.Queryer, id int64) ([]LabSession, error) {
	enrolments, err := storage.EnrolmentsOfBeneficiary(ctx, q, id)
	if err != nil {
		return nil, fmt.Errorf("my data: %w", err)
	}
	out := []LabSession{}
	for _, e := range enrolments {
		s, err := storage.SessionByID(ctx, q, e.SessionID)
		if err != nil {
			return nil, fmt.Errorf("my data: session %d: %w", e.SessionID, err)
		}
		out = append(out, LabSession{Lab: s.LabName, Module: s.ModuleName, StartsAt: s.StartsAt.UTC(), Place: s.Place, Status: s.Status,
			EnrolledAt: e.EnrolledAt.UTC(), Answer: e.RSVP.String, Attendance: e.Attendance.String})
	}
	return out, nil
}
