package scheduler

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// digestLines is the most lines a section of a digest lists; the rest is counted.
const digestLines = 15

// sendDigest sends a tutor the day's digest, if there is anything to say.
func (s *Scheduler) sendDigest(ctx context.Context, tx *storage.Tx, r storage.Reminder, now time.Time) (verdict, error) {
	tutor, err := storage.StaffByID(ctx, tx, r.StaffID.Int64)
	if errors.Is(err, storage.ErrNotFound) {
		return drop("vanished"), nil
	}
	if err != nil {
		return verdict{}, err
	}
	if tutor.Status != "active" {
		return drop("staff_inactive"), nil
	}
	if r.EventAt.Valid && !now.Before(r.EventAt.Time) {
		return drop("late"), nil
	}
	l := s.dom.Notifier().Catalog().For(tutor.Lang)
	text, err := s.composeDigest(ctx, tx, l, tutor, r.OffsetKey, now)
	if err != nil {
		return verdict{}, err
	}
	if text == "" {
		return drop("empty"), nil
	}
	_, err = s.dom.Notifier().SendTo(ctx, tx, notify.Person{StaffID: tutor.ID}, notify.SendOptions{Kind: "notice"}, now,
		func(*locales.Localizer) bot.Outgoing { return bot.Outgoing{Text: text} })
	if errors.Is(err, notify.ErrUnreachable) {
		return drop("unreachable"), nil
	}
	if err != nil {
		return verdict{}, err
	}
	return sent(), nil
}

// composeDigest writes a tutor's digest for a civil date: overdue steps, open alerts, today's
// sessions with their beneficiaries' answers, beneficiaries silent for a while. Only the
// tutor's own beneficiaries appear, by code. Nothing to say: "".
func (s *Scheduler) composeDigest(ctx context.Context, q storage.Queryer, l *locales.Localizer, tutor storage.Staff,
	date string, now time.Time) (string, error) {
	loc := s.cfg.Location
	start, err := dayStart(date, loc)
	if err != nil {
		return "", err
	}
	mine, err := storage.ListBeneficiaries(ctx, q, storage.BeneficiaryFilter{TutorID: tutor.ID})
	if err != nil {
		return "", err
	}
	byID := make(map[int64]storage.Beneficiary, len(mine))
	for _, b := range mine {
		byID[b.ID] = b
	}
	var sections []string
	add := func(head string, lines []string) {
		if len(lines) > digestLines {
			lines = append(lines[:digestLines], l.N("digest.more", len(lines)-digestLines))
		}
		sections = append(sections, head+"\n"+strings.Join(lines, "\n"))
	}

	overdue, err := storage.OverdueSteps(ctx, q, date, tutor.ID)
	if err != nil {
		return "", err
	}
	if len(overdue) > 0 {
		var lines []string
		for _, st := range overdue {
			due, err := dayStart(st.DueDate.String, loc)
			if err != nil {
				return "", err
			}
			lines = append(lines, l.T("digest.overdue_line", "Code", st.Code,
				"Step", staffStepTitle(s.dom.Notifier().Catalog(), l, st.PlanStep), "Date", l.Date(due)))
		}
		add(l.N("digest.overdue", len(overdue)), lines)
	}

	alerts, err := storage.OpenAlerts(ctx, q, tutor.ID)
	if err != nil {
		return "", err
	}
	if len(alerts) > 0 {
		var codes []string
		perCode := map[string]int{}
		for _, a := range alerts {
			if perCode[a.Code] == 0 {
				codes = append(codes, a.Code)
			}
			perCode[a.Code]++
		}
		var lines []string
		for _, c := range codes {
			lines = append(lines, l.N("digest.alert_line", perCode[c], "Code", c))
		}
		add(l.N("digest.alerts", len(alerts)), lines)
	}

	sessions, err := storage.SessionsBetween(ctx, q, "", start, start.AddDate(0, 0, 1))
	if err != nil {
		return "", err
	}
	var sessionLines []string
	for _, sess := range sessions {
		enrolments, err := storage.EnrolmentsOf(ctx, q, sess.ID)
		if err != nil {
			return "", err
		}
		var people []string
		for _, e := range enrolments {
			if _, ok := byID[e.BeneficiaryID]; !ok {
				continue
			}
			answer := "digest.rsvp_none"
			switch e.RSVP.String {
			case notify.RSVPYes:
				answer = "digest.rsvp_yes"
			case notify.RSVPNo:
				answer = "digest.rsvp_no"
			}
			people = append(people, l.T(answer, "Code", e.Code))
		}
		if len(people) == 0 {
			continue
		}
		sessionLines = append(sessionLines, l.T("digest.session_line", "Time", sess.StartsAt.In(loc).Format("15:04"),
			"Session", l.T("reminder.session_title", "Lab", sess.LabName, "Module", sess.ModuleName), "Place", sess.Place))
		sessionLines = append(sessionLines, people...)
	}
	if len(sessionLines) > 0 {
		add(l.T("digest.sessions"), sessionLines)
	}

	var silentLines []string
	for _, b := range mine {
		since, ok := silenceOf(b)
		if b.Status != storage.BeneficiaryActive || !ok || since.After(now.Add(-s.cfg.InactiveAfter)) {
			continue
		}
		silentLines = append(silentLines, l.T("digest.inactive_line", "Code", b.Code, "Date", l.Date(since.In(loc))))
	}
	if len(silentLines) > 0 {
		add(l.N("digest.inactive", len(silentLines), "Days", int(s.cfg.InactiveAfter/day)), silentLines)
	}

	if len(sections) == 0 {
		return "", nil
	}
	return l.T("digest.title", "Date", l.Date(start)) + "\n\n" + strings.Join(sections, "\n\n"), nil
}
