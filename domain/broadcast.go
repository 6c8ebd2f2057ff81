package domain

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// progressMinRecipients is the smallest broadcast whose progress is told along the way: a
// smaller one only gets its final report.
const progressMinRecipients = 20

// progressStep is how often progress is told, in per cent.
const progressStep = 25

// StartBroadcast fans a confirmed or due broadcast out: one outbox message per recipient, in
// their own language, at bulk priority, each recorded as a delivery; recipients who said STOP,
// gave no consent to announcements or cannot be reached are recorded as excluded with the
// reason. It takes a scheduled broadcast to sending itself (the scheduler calls it when the
// reminder "broadcast"/"b:<id>" is due), continues one already sending without adding anyone
// twice, and does nothing for a draft, a cancelled or a sent one. It runs in q, the caller's
// transaction.
func (s *Service) StartBroadcast(ctx context.Context, q storage.Queryer, broadcastID int64, now time.Time) error {
	b, err := storage.BroadcastByID(ctx, q, broadcastID)
	if err != nil {
		return err
	}
	switch b.Status {
	case storage.BroadcastScheduled:
		moved, err := storage.TransitionBroadcast(ctx, q, b.ID, storage.BroadcastScheduled, storage.BroadcastSending, now)
		if err != nil || !moved {
			return err
		}
		b.Status = storage.BroadcastSending
	case storage.BroadcastSending:
	default:
		return nil
	}
	a, err := ParseAudience(b.Audience)
	if err != nil {
		return err
	}
	sn, announces, err := BroadcastSession(ctx, q, b)
	if err != nil {
		return err
	}
	var sess *storage.Session
	if announces {
		sess = &sn
	}
	if sess != nil && (sess.Status != storage.SessionScheduled || !sess.StartsAt.After(now)) {
		// The session it announced was cancelled or has begun since: announcing it would mislead.
		if _, err := storage.TransitionBroadcast(ctx, q, b.ID, storage.BroadcastSending, storage.BroadcastCancelled, now); err != nil {
			return err
		}
		if err := systemAudit(ctx, q, now, "broadcast cancel", b.ID, "session gone"); err != nil {
			return err
		}
		return s.tellAuthor(ctx, q, b, now, func(l *locales.Localizer) string {
			return l.T("broadcast.session_gone", "ID", b.ID, "Session", sess.ID)
		})
	}
	texts, err := storage.BroadcastTexts(ctx, q, b.ID)
	if err != nil {
		return err
	}
	done, err := storage.DeliveredTo(ctx, q, b.ID)
	if err != nil {
		return err
	}
	recipients, err := storage.Recipients(ctx, q, a.Filter())
	if err != nil {
		return err
	}
	queued, excluded := 0, 0
	for _, r := range recipients {
		if done[r.ID] {
			continue
		}
		if reason := r.Exclusion(); reason != "" {
			if _, err := storage.AddDelivery(ctx, q, b.ID, r.ID, storage.DeliveryExcluded, reason, 0, now); err != nil {
				return err
			}
			excluded++
			continue
		}
		outboxID, err := s.notify.SendTo(ctx, q, notify.Person{BeneficiaryID: r.ID},
			notify.SendOptions{Priority: storage.PriorityBulk, Kind: "broadcast", BroadcastID: b.ID}, now,
			func(l *locales.Localizer) bot.Outgoing { return s.BroadcastMessage(l, b, sess, texts) })
		if errors.Is(err, notify.ErrUnreachable) {
			if _, err := storage.AddDelivery(ctx, q, b.ID, r.ID, storage.DeliveryExcluded, storage.ExcludedUnreachable, 0, now); err != nil {
				return err
			}
			excluded++
			continue
		}
		if err != nil {
			return err
		}
		if _, err := storage.AddDelivery(ctx, q, b.ID, r.ID, storage.DeliveryQueued, "", outboxID, now); err != nil {
			return err
		}
		queued++
	}
	if err := systemAudit(ctx, q, now, "broadcast start", b.ID, fmt.Sprintf("queued=%d excluded=%d", queued, excluded)); err != nil {
		return err
	}
	if err := s.tellAuthor(ctx, q, b, now, func(l *locales.Localizer) string {
		return l.T("broadcast.started", "ID", b.ID, "Queued", queued, "Excluded", excluded)
	}); err != nil {
		return err
	}
	// Nobody to wait for (everyone excluded): the report goes at once.
	return s.BroadcastProgress(ctx, q, b.ID, now)
}

// BroadcastProgress is called by the outbox after a broadcast message reached sent or failed,
// in q (its transaction). It tells the broadcast's author the progress at each quarter of a
// broadcast of 20 recipients or more, and, when every delivery is final, moves the broadcast
// from sending to sent (once) and sends the final report: delivered, failed by reason,
// excluded by reason. Concurrent callers are serialised on the broadcast's row, so each step
// and the report are told once.
func (s *Service) BroadcastProgress(ctx context.Context, q storage.Queryer, broadcastID int64, now time.Time) error {
	told, err := storage.LockBroadcastProgress(ctx, q, broadcastID)
	if err != nil {
		return err
	}
	b, err := storage.BroadcastByID(ctx, q, broadcastID)
	if err != nil {
		return err
	}
	if b.Status != storage.BroadcastSending {
		return nil
	}
	report, err := storage.BroadcastReport(ctx, q, broadcastID)
	if err != nil {
		return err
	}
	var total, final int
	for _, r := range report {
		switch r.Outcome {
		case "excluded":
		case storage.OutboxSent, storage.OutboxFailed:
			total += r.N
			final += r.N
		default:
			total += r.N
		}
	}
	if final == total {
		moved, err := storage.TransitionBroadcast(ctx, q, b.ID, storage.BroadcastSending, storage.BroadcastSent, now)
		if err != nil || !moved {
			return err
		}
		return s.tellAuthor(ctx, q, b, now, func(l *locales.Localizer) string { return reportText(l, b.ID, report) })
	}
	if total < progressMinRecipients {
		return nil
	}
	pct := final * 100 / total / progressStep * progressStep
	if pct == 0 || pct <= told {
		return nil
	}
	advanced, err := storage.AdvanceBroadcastProgress(ctx, q, b.ID, pct)
	if err != nil || !advanced {
		return err
	}
	return s.tellAuthor(ctx, q, b, now, func(l *locales.Localizer) string {
		return l.T("broadcast.progress", "ID", b.ID, "Pct", pct, "Done", final, "Total", total)
	})
}

// Outcomes are a broadcast's recipients by how it ended for them, as its report tells them.
type Outcomes struct {
	Delivered int
	Pending   int            // queued, not sent or failed yet
	Failed    map[string]int // by kind (blocked, window, rejected, other: broadcast.fail_<kind>)
	Excluded  map[string]int // by reason (storage.Excluded*: broadcast.reason_<reason>)
	NFailed   int
	NExcluded int
}

// OutcomesOf sorts a broadcast's delivery counts (storage.BroadcastReport) into its report's
// figures: the chat's final report and the desk's broadcast page.
func OutcomesOf(report []storage.DeliveryCount) Outcomes {
	o := Outcomes{Failed: map[string]int{}, Excluded: map[string]int{}}
	for _, r := range report {
		switch r.Outcome {
		case storage.OutboxSent:
			o.Delivered += r.N
		case "excluded":
			o.Excluded[r.Reason] += r.N
			o.NExcluded += r.N
		case storage.OutboxFailed:
			o.Failed[failureKind(r.Reason)] += r.N
			o.NFailed += r.N
		default:
			o.Pending += r.N
		}
	}
	return o
}

// reportText is the final report of a broadcast.
func reportText(l *locales.Localizer, id int64, report []storage.DeliveryCount) string {
	o := OutcomesOf(report)
	why := func(counts map[string]int, prefix string) string {
		if len(counts) == 0 {
			return ""
		}
		return " — " + notify.CountsByKey(counts, func(k string) string { return l.T(prefix + k) })
	}
	return l.T("broadcast.report", "ID", id, "Delivered", o.Delivered, "Failed", o.NFailed, "FailedWhy", why(o.Failed, "broadcast.fail_"),
		"Excluded", o.NExcluded, "ExcludedWhy", why(o.Excluded, "broadcast.reason_"))
}

// failureKind sorts a failed message's stored reason into what a coordinator can act on.
func failureKind(reason string) string {
	r := strings.ToLower(reason)
	switch {
	case strings.Contains(r, "unreachable") || strings.Contains(r, "blocked") || strings.Contains(r, "deactivated") || strings.Contains(r, "403"):
		return "blocked"
	case strings.Contains(r, "template") || strings.Contains(r, "131047") || strings.Contains(r, "window"):
		return "window"
	case strings.Contains(r, "permanent") || strings.Contains(r, "131026") || strings.Contains(r, "131051"):
		return "rejected"
	}
	return "other"
}

// BroadcastSession is the session a broadcast announces; ok is false for free text.
func BroadcastSession(ctx context.Context, q storage.Queryer, b storage.Broadcast) (s storage.Session, ok bool, err error) {
	if !b.SessionID.Valid {
		return s, false, nil
	}
	s, err = storage.SessionByID(ctx, q, b.SessionID.Int64)
	return s, err == nil, err
}

// BroadcastMessage is a broadcast as one recipient reads it: a session announcement composed
// entirely in their language, or the free text (their language's version when there is one)
// under a header in their language; both end with how to stop announcements.
func (s *Service) BroadcastMessage(l *locales.Localizer, b storage.Broadcast, sess *storage.Session, texts map[string]string) bot.Outgoing {
	var text string
	var foreign []bot.Foreign
	if sess != nil {
		text = l.T("broadcast.session_announcement", "Lab", sess.LabName, "Module", sess.ModuleName,
			"When", l.DateTime(sess.StartsAt.In(s.loc)), "Place", sess.Place, "Map", notify.MapLink(*sess))
	} else {
		body := b.Body
		if v := texts[l.Lang()]; v != "" {
			body = v
		} else {
			// No version in their language: the text as written, translated as it goes when
			// a translation server is set.
			foreign = []bot.Foreign{notify.Foreign(body, notify.StaffLang)}
		}
		text = l.T("broadcast.header") + "\n\n" + body
	}
	return bot.Outgoing{Text: text + "\n\n" + l.T("broadcast.footer"), Foreign: foreign}
}

// tellAuthor sends a notice to the broadcast's author in their language; an author who cannot
// be reached is not an error (the figures stay in /broadcasts).
func (s *Service) tellAuthor(ctx context.Context, q storage.Queryer, b storage.Broadcast, now time.Time, text func(l *locales.Localizer) string) error {
	_, err := s.notify.SendTo(ctx, q, notify.Person{StaffID: b.CreatedBy}, notify.SendOptions{Kind: "notice"}, now, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{Text: text(l)}
	})
	if errors.Is(err, notify.ErrUnreachable) {
		return nil
	}
	return err
}

// ErrWrongState is an action a record's status does not allow any more (a broadcast no longer
// a draft); nothing changed.
var ErrWrongState = errors.New("not in a state that allows it")

// mayManageBroadcast refuses (audited) a staff member who is neither the author nor an admin.
func (s *Service) mayManageBroadcast(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action string, b storage.Broadcast) error {
	if !a.CanManageBroadcast(b) {
		return s.refused(ctx, q, now, a, action, "broadcast", strconv.FormatInt(b.ID, 10))
	}
	return nil
}

// ConfirmBroadcast sends a draft now: it moves it to sending once (ErrWrongState when it is no
// longer a draft), audits it and fans it out (StartBroadcast).
func (s *Service) ConfirmBroadcast(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Broadcast) error {
	const action = "broadcast confirm"
	if err := s.mayManageBroadcast(ctx, q, now, a, action, b); err != nil {
		return err
	}
	moved, err := storage.TransitionBroadcast(ctx, q, b.ID, storage.BroadcastDraft, storage.BroadcastSending, now)
	if err != nil {
		return err
	}
	if !moved {
		return ErrWrongState
	}
	if err := Audit(ctx, q, now, a, action, "broadcast", strconv.FormatInt(b.ID, 10), ""); err != nil {
		return err
	}
	return s.StartBroadcast(ctx, q, b.ID, now)
}

// ScheduleBroadcast schedules a draft for at: the scheduler starts it then (StartBroadcast).
// ErrWrongState when it is no longer a draft.
func (s *Service) ScheduleBroadcast(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Broadcast, at time.Time) error {
	const action = "broadcast schedule"
	if err := s.mayManageBroadcast(ctx, q, now, a, action, b); err != nil {
		return err
	}
	moved, err := storage.TransitionBroadcast(ctx, q, b.ID, storage.BroadcastDraft, storage.BroadcastScheduled, at)
	if err != nil {
		return err
	}
	if !moved {
		return ErrWrongState
	}
	if err := storage.PlanBroadcast(ctx, q, b.ID, at, now); err != nil {
		return err
	}
	return Audit(ctx, q, now, a, action, "broadcast", strconv.FormatInt(b.ID, 10), "at="+at.UTC().Format(time.RFC3339))
}

// CancelBroadcast drops a draft or a scheduled broadcast (and its planned start).
// ErrWrongState when it is neither any more.
func (s *Service) CancelBroadcast(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Broadcast) error {
	const action = "broadcast cancel"
	if err := s.mayManageBroadcast(ctx, q, now, a, action, b); err != nil {
		return err
	}
	moved := false
	if b.Status == storage.BroadcastDraft || b.Status == storage.BroadcastScheduled {
		var err error
		moved, err = storage.TransitionBroadcast(ctx, q, b.ID, b.Status, storage.BroadcastCancelled, now)
		if err != nil {
			return err
		}
	}
	if !moved {
		return ErrWrongState
	}
	if b.Status == storage.BroadcastScheduled {
		if _, err := storage.CancelBroadcastPlan(ctx, q, b.ID); err != nil {
			return err
		}
	}
	return Audit(ctx, q, now, a, action, "broadcast", strconv.FormatInt(b.ID, 10), "was="+b.Status)
}
