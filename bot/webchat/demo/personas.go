package demo

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot/webchat"
	"github.com/insideaut/insidebot/storage"
)

// maxBeneficiaryPersonas bounds the switcher's list.
const maxBeneficiaryPersonas = 30

// Persona keys: staff-<id>, beneficiary-<id>, or the new visitor.
const (
	staffPrefix       = "staff-"
	beneficiaryPrefix = "beneficiary-"
	newcomerKey       = "newcomer"
)

// Personas lists who the demo page may talk as: the active staff, the active beneficiaries and
// a new visitor (not linked to anyone) who can onboard with the invite code of this start.
func (d *Demo) Personas(ctx context.Context, q storage.Queryer) ([]webchat.Persona, error) {
	staff, err := storage.ListStaff(ctx, q, "")
	if err != nil {
		return nil, err
	}
	var out []webchat.Persona
	for _, s := range staff {
		if s.Status == "active" {
			out = append(out, staffPersona(s))
		}
	}
	bens, err := storage.ListBeneficiaries(ctx, q, storage.BeneficiaryFilter{Statuses: []string{storage.BeneficiaryActive}})
	if err != nil {
		return nil, err
	}
	for i, b := range bens {
		if i == maxBeneficiaryPersonas {
			break
		}
		out = append(out, beneficiaryPersona(b))
	}
	return append(out, d.newcomer()), nil
}

// Link makes the session chatID speak as a persona: a web-chat identity of that person.
func (d *Demo) Link(ctx context.Context, q storage.Queryer, key, chatID string, now time.Time) (webchat.Persona, error) {
	if key == newcomerKey {
		return d.newcomer(), nil
	}
	ni := storage.NewIdentity{Channel: storage.ChannelWebchat, ExternalID: chatID, ChatID: chatID}
	var p webchat.Persona
	switch {
	case strings.HasPrefix(key, staffPrefix):
		id, err := strconv.ParseInt(strings.TrimPrefix(key, staffPrefix), 10, 64)
		if err != nil {
			return p, webchat.ErrUnknownPersona
		}
		s, err := storage.StaffByID(ctx, q, id)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && s.Status != "active") {
			return p, webchat.ErrUnknownPersona
		}
		if err != nil {
			return p, err
		}
		ni.StaffID, p = s.ID, staffPersona(s)
	case strings.HasPrefix(key, beneficiaryPrefix):
		id, err := strconv.ParseInt(strings.TrimPrefix(key, beneficiaryPrefix), 10, 64)
		if err != nil {
			return p, webchat.ErrUnknownPersona
		}
		b, err := storage.BeneficiaryByID(ctx, q, id)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && b.Status != storage.BeneficiaryActive) {
			return p, webchat.ErrUnknownPersona
		}
		if err != nil {
			return p, err
		}
		ni.BeneficiaryID, p = b.ID, beneficiaryPersona(b)
	default:
		return p, webchat.ErrUnknownPersona
	}
	if _, err := storage.LinkIdentity(ctx, q, ni, now); err != nil {
		return p, err
	}
	return p, nil
}

func (d *Demo) newcomer() webchat.Persona {
	return webchat.Persona{Key: newcomerKey, Role: webchat.PersonaNewcomer, Invite: d.invite}
}

func staffPersona(s storage.Staff) webchat.Persona {
	return webchat.Persona{Key: staffPrefix + strconv.FormatInt(s.ID, 10), Role: s.Role, Name: s.DisplayName,
		Territory: s.Territory.String, Lang: s.Lang}
}

func beneficiaryPersona(b storage.Beneficiary) webchat.Persona {
	return webchat.Persona{Key: beneficiaryPrefix + strconv.FormatInt(b.ID, 10), Role: webchat.PersonaBeneficiary, Code: b.Code,
		Territory: b.Territory, Lang: b.Lang}
}
