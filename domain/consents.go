package domain

import (
	"context"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// Consents are given and withdrawn by the beneficiary themselves, and nobody else: every
// function here refuses (ErrDenied, audited) an actor who is not a beneficiary. The record in
// a.Beneficiary is the one read at the start of the update; callers read it again after.

func (s *Service) ownConsent(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action string) error {
	if a.Beneficiary == nil {
		return s.refused(ctx, q, now, a, action, "beneficiary", "")
	}
	return nil
}

// GiveServiceConsent records the consent to the service, marks the beneficiary onboarded
// (active) and alerts their tutor that they arrived.
func (s *Service) GiveServiceConsent(ctx context.Context, q storage.Queryer, now time.Time, a Actor) error {
	const action = "consent:service:give"
	if err := s.ownConsent(ctx, q, now, a, action); err != nil {
		return err
	}
	b := *a.Beneficiary
	if err := storage.SetConsent(ctx, q, b.ID, storage.ConsentService, &now); err != nil {
		return err
	}
	if !b.OnboardedAt.Valid || b.Status != storage.BeneficiaryActive {
		if err := storage.MarkOnboarded(ctx, q, b.ID, now); err != nil {
			return err
		}
	}
	if err := Audit(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10), ""); err != nil {
		return err
	}
	return s.AlertTutor(ctx, q, now, b, storage.AlertOnboarded, 0, "")
}

// SetOptionalConsent gives or withdraws the research (storage.ConsentResearch) or
// announcements (storage.ConsentAnnouncements) consent; the same answer twice changes
// nothing. Giving the announcements consent also undoes an earlier STOP.
func (s *Service) SetOptionalConsent(ctx context.Context, q storage.Queryer, now time.Time, a Actor, purpose string, yes bool) error {
	verb := "withdraw"
	if yes {
		verb = "give"
	}
	action := "consent:" + purpose + ":" + verb
	if err := s.ownConsent(ctx, q, now, a, action); err != nil {
		return err
	}
	b := *a.Beneficiary
	var at *time.Time
	if yes {
		at = &now
	}
	current := b.ConsentResearchAt.Valid
	if purpose == storage.ConsentAnnouncements {
		current = b.ConsentAnnouncementsAt.Valid
	}
	if current != yes {
		if err := storage.SetConsent(ctx, q, b.ID, purpose, at); err != nil {
			return err
		}
		if err := Audit(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10), ""); err != nil {
			return err
		}
		if purpose == storage.ConsentResearch {
			if err := planAssessmentsOnConsent(ctx, q, now, b, yes); err != nil {
				return err
			}
		}
	}
	if purpose == storage.ConsentAnnouncements && yes && b.AnnouncementsStoppedAt.Valid {
		return storage.SetAnnouncementsStopped(ctx, q, b.ID, nil)
	}
	return nil
}

// StopAnnouncements ends announcements to the beneficiary at once (STOP), if not already.
func (s *Service) StopAnnouncements(ctx context.Context, q storage.Queryer, now time.Time, a Actor) error {
	const action = "announcements:stop"
	if err := s.ownConsent(ctx, q, now, a, action); err != nil {
		return err
	}
	b := *a.Beneficiary
	if b.AnnouncementsStoppedAt.Valid {
		return nil
	}
	if err := storage.SetAnnouncementsStopped(ctx, q, b.ID, &now); err != nil {
		return err
	}
	return Audit(ctx, q, now, a, action, "beneficiary", "", "")
}

// StartAnnouncements resumes announcements (START): it is also the consent to them.
func (s *Service) StartAnnouncements(ctx context.Context, q storage.Queryer, now time.Time, a Actor) error {
	const action = "announcements:start"
	if err := s.ownConsent(ctx, q, now, a, action); err != nil {
		return err
	}
	b := *a.Beneficiary
	if !b.AnnouncementsStoppedAt.Valid && b.ConsentAnnouncementsAt.Valid {
		return nil
	}
	if err := storage.SetAnnouncementsStopped(ctx, q, b.ID, nil); err != nil {
		return err
	}
	if !b.ConsentAnnouncementsAt.Valid {
		if err := storage.SetConsent(ctx, q, b.ID, storage.ConsentAnnouncements, &now); err != nil {
			return err
		}
	}
	return Audit(ctx, q, now, a, action, "beneficiary", "", "")
}
