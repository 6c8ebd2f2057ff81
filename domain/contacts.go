package domain

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// A territory's contacts, as the beneficiaries' Help screen lists them (issue 14): the
// coordinators of the territory (admins: of any) edit them on the desk and mark them as
// checked. Any edit resets that mark: Help says the contacts are being checked until someone
// confirms them again.

// Contact audit actions.
const (
	ActionContactsEdit    = "contacts edit"
	ActionContactsConfirm = "contacts confirm"
)

// MaxContacts is how many contacts a territory may list.
const MaxContacts = 12

// ContactLimits are the longest texts each field of a contact takes (characters).
func ContactLimits() map[string]int {
	return map[string]int{"name": 150, "where": 200, "phone": 30, "url": 300}
}

// ContactMistake is a contact that cannot be saved: Row is its place in the list (from 1; 0
// for the list as a whole), Field what is wrong: kind, name (missing), long (over its limit,
// Limit), phone, url, many (more than MaxContacts). Nothing was changed.
type ContactMistake struct {
	Row   int
	Field string
	Limit int
}

func (m *ContactMistake) Error() string {
	return fmt.Sprintf("contact %d: bad %s", m.Row, m.Field)
}

// CanEditContacts tells whether a staff member may edit and confirm a territory's contacts:
// a coordinator of that territory (of every one when they have none), an admin any.
func (a Actor) CanEditContacts(territory string) bool {
	return a.IsCoordinator() && a.CanUseTerritory(territory)
}

// SaveContacts makes contacts, in this order, the territory's list on behalf of a's staff
// member: checked (CheckContacts), audited, and no longer confirmed. A list the same as the
// stored one changes nothing (changed false: its confirmation stays). Anyone but a coordinator
// of the territory or an admin is refused (ErrDenied, audited); a list with a mistake is a
// *ContactMistake.
func (s *Service) SaveContacts(ctx context.Context, q storage.Queryer, now time.Time, a Actor, territory string, contacts []storage.TerritoryContact) (changed bool, err error) {
	if !a.CanEditContacts(territory) {
		return false, s.refused(ctx, q, now, a, ActionContactsEdit, "territory", territory)
	}
	contacts, err = CheckContacts(contacts)
	if err != nil {
		return false, err
	}
	old, err := storage.ContactListOf(ctx, q, territory)
	if err != nil {
		return false, err
	}
	if slices.Equal(old.Contacts, contacts) {
		return false, nil
	}
	if err := storage.ReplaceContacts(ctx, q, territory, contacts, a.Staff.ID, now); err != nil {
		return false, err
	}
	detail := fmt.Sprintf("%d -> %d contacts", len(old.Contacts), len(contacts))
	return true, Audit(ctx, q, now, a, ActionContactsEdit, "territory", territory, detail)
}

// ConfirmContacts marks the territory's contacts as checked by a's staff member now: Help
// shows them without the "being checked" notice. The same refusal as SaveContacts.
func (s *Service) ConfirmContacts(ctx context.Context, q storage.Queryer, now time.Time, a Actor, territory string) error {
	if !a.CanEditContacts(territory) {
		return s.refused(ctx, q, now, a, ActionContactsConfirm, "territory", territory)
	}
	l, err := storage.ContactListOf(ctx, q, territory)
	if err != nil {
		return err
	}
	if err := storage.ConfirmContacts(ctx, q, territory, a.Staff.ID, now); err != nil {
		return err
	}
	return Audit(ctx, q, now, a, ActionContactsConfirm, "territory", territory, strconv.Itoa(len(l.Contacts))+" contacts")
}

// CheckContacts returns contacts with their texts tidied (runs of spaces made one, ends
// trimmed), or the first mistake: a kind Help does not know, a contact without a name, a text
// over its limit, a phone number of anything but digits, spaces and a leading +, an address
// that is not an http:// or https:// URL, more than MaxContacts contacts.
func CheckContacts(contacts []storage.TerritoryContact) ([]storage.TerritoryContact, error) {
	if len(contacts) > MaxContacts {
		return nil, &ContactMistake{Field: "many", Limit: MaxContacts}
	}
	limits := ContactLimits()
	out := make([]storage.TerritoryContact, 0, len(contacts))
	for i, c := range contacts {
		row := i + 1
		c = storage.TerritoryContact{Kind: strings.TrimSpace(c.Kind), Name: oneLine(c.Name), Where: oneLine(c.Where),
			Phone: oneLine(c.Phone), URL: strings.TrimSpace(c.URL)}
		if !slices.Contains(locales.ContactKinds(), c.Kind) {
			return nil, &ContactMistake{Row: row, Field: "kind"}
		}
		if c.Name == "" {
			return nil, &ContactMistake{Row: row, Field: "name"}
		}
		for field, v := range map[string]string{"name": c.Name, "where": c.Where, "phone": c.Phone, "url": c.URL} {
			if n := limits[field]; utf8.RuneCountInString(v) > n {
				return nil, &ContactMistake{Row: row, Field: "long", Limit: n}
			}
		}
		if c.Phone != "" && !IsPhone(c.Phone) {
			return nil, &ContactMistake{Row: row, Field: "phone"}
		}
		if c.URL != "" && !IsWebAddress(c.URL) {
			return nil, &ContactMistake{Row: row, Field: "url"}
		}
		out = append(out, c)
	}
	return out, nil
}

// IsPhone tells whether s reads as a phone number: digits and spaces, at least three digits,
// a + only at the start.
func IsPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ':
		case r == '+' && i == 0:
		default:
			return false
		}
	}
	return digits >= 3
}

// IsWebAddress tells whether s is an absolute http:// or https:// URL with a host and no
// spaces.
func IsWebAddress(s string) bool {
	if strings.ContainsAny(s, " \t\n\r") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	return u.Scheme == "https" || u.Scheme == "http"
}

// IsContactMistake returns the mistake err is, if it is one.
func IsContactMistake(err error) (*ContactMistake, bool) {
	var m *ContactMistake
	ok := errors.As(err, &m)
	return m, ok
}

// oneLine is s with its runs of spaces (and line ends) made one space and its ends trimmed.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
