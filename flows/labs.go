package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Labs: the sessions the beneficiary is enrolled in and the open sessions of their territory,
// with date, time, place and a map link; RSVP yes or no, changeable until the session starts;
// enrolling in an open session.
const (
	ButtonSession = "ls" // Data(ButtonSession, sessionID)
	ButtonEnrol   = "le" // Data(ButtonEnrol, sessionID)
)

const labsPageSize = 6

func (e *Engine) labRoutes() []Route {
	return []Route{
		{Command: "labs", Roles: domain.RoleBeneficiary, Help: "menu.cmd_labs", Handle: e.member(e.labsFirstPage)},
		{Button: ButtonLabs, Roles: domain.RoleBeneficiary, Handle: e.member(e.labsPage)},
		{Button: ButtonSession, Roles: domain.RoleBeneficiary, Handle: e.member(e.sessionDetails)},
		{Button: notify.ButtonRSVP, Roles: domain.RoleBeneficiary, Handle: e.member(e.rsvp)},
		{Button: ButtonEnrol, Roles: domain.RoleBeneficiary, Handle: e.member(e.enrolSelf)},
	}
}

type labEntry struct {
	s        storage.Session
	enrolled bool
}

func (e *Engine) labsFirstPage(ctx context.Context, c *Ctx) error { return e.showLabs(ctx, c, 0, "") }

func (e *Engine) labsPage(ctx context.Context, c *Ctx) error {
	page, _ := c.Args().Int(0)
	return e.showLabs(ctx, c, int(page), "")
}

// showLabs lists the beneficiary's sessions, then the open ones, a page at a time.
func (e *Engine) showLabs(ctx context.Context, c *Ctx, page int, note string) error {
	b := c.Actor.Beneficiary
	mine, err := storage.SessionsOfBeneficiary(ctx, c.Tx, b.ID, c.Now)
	if err != nil {
		return err
	}
	open, err := storage.OpenSessions(ctx, c.Tx, b.Territory, b.ID, c.Now)
	if err != nil {
		return err
	}
	var all []labEntry
	for _, s := range mine {
		all = append(all, labEntry{s, true})
	}
	for _, s := range open {
		all = append(all, labEntry{s, false})
	}
	var sb strings.Builder
	if note != "" {
		sb.WriteString(note + "\n\n")
	}
	if len(all) == 0 {
		sb.WriteString(c.T("labs.none"))
		return c.screen(ctx, sb.String(), c.menuRow())
	}
	pages := (len(all) + labsPageSize - 1) / labsPageSize
	page = max(0, min(page, pages-1))
	shown := all[page*labsPageSize : min(len(all), (page+1)*labsPageSize)]
	sb.WriteString(c.T("labs.title"))
	if pages > 1 {
		sb.WriteString(" " + c.T("plan.page", "Page", page+1, "Pages", pages))
	}
	var rsvps map[int64]string
	if len(mine) > 0 {
		if rsvps, err = e.rsvpsOf(ctx, c); err != nil {
			return err
		}
	}
	section := ""
	var bs []bot.Button
	for i, en := range shown {
		want := "labs.yours"
		if !en.enrolled {
			want = "labs.open"
		}
		if want != section {
			section = want
			sb.WriteString("\n\n" + c.T(want))
		}
		n := page*labsPageSize + i + 1
		icon := "📅"
		if en.enrolled {
			icon = c.T("labs.rsvp_icon_" + rsvpKey(rsvps[en.s.ID]))
		}
		sb.WriteString(fmt.Sprintf("\n%s %d. %s — %s", icon, n, c.L.Iso(clip(en.s.LabName, 40)), c.L.DateTime(en.s.StartsAt.In(e.set.Location))))
		bs = append(bs, btn(fmt.Sprintf("%s %d. %s", icon, n, en.s.LabName), notify.Data(ButtonSession, en.s.ID)))
	}
	sb.WriteString("\n\n" + c.T("labs.tap_session"))
	rows := c.withPager(grid(bs, 1), page, pages, func(p int) string { return notify.Data(ButtonLabs, p) })
	return c.screen(ctx, sb.String(), append(rows, c.menuRow())...)
}

func rsvpKey(answer string) string {
	if answer == "yes" || answer == "no" {
		return answer
	}
	return "none"
}

func (e *Engine) rsvpsOf(ctx context.Context, c *Ctx) (map[int64]string, error) {
	ens, err := storage.EnrolmentsOfBeneficiary(ctx, c.Tx, c.Actor.Beneficiary.ID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ens))
	for _, en := range ens {
		out[en.SessionID] = en.RSVP.String
	}
	return out, nil
}

// visibleSession finds the session a button names and the beneficiary's enrolment in it; ok
// false when the beneficiary may not see it (not enrolled, and not an open session of their
// territory).
func (e *Engine) visibleSession(ctx context.Context, c *Ctx) (s storage.Session, en *storage.Enrolment, ok bool, err error) {
	id, ok := c.Args().Int(0)
	if !ok {
		return s, nil, false, nil
	}
	s, err = storage.SessionByID(ctx, c.Tx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return s, nil, false, nil
	}
	if err != nil {
		return s, nil, false, err
	}
	b := c.Actor.Beneficiary
	got, err := storage.EnrolmentOf(ctx, c.Tx, s.ID, b.ID)
	switch {
	case err == nil:
		return s, &got, true, nil
	case !errors.Is(err, storage.ErrNotFound):
		return s, nil, false, err
	}
	return s, nil, s.Territory == b.Territory && s.OpenEnrolment && s.Status == storage.SessionScheduled && !s.ForOperators(), nil
}

func (e *Engine) sessionDetails(ctx context.Context, c *Ctx) error {
	s, en, ok, err := e.visibleSession(ctx, c)
	if err != nil || !ok {
		return orUnknown(ctx, c, err)
	}
	return e.showSession(ctx, c, s, en, "")
}

// showSession shows a session and what the beneficiary can do: answer whether they come
// (until it starts), or join it when it is open and has room.
func (e *Engine) showSession(ctx context.Context, c *Ctx, s storage.Session, en *storage.Enrolment, note string) error {
	var sb strings.Builder
	if note != "" {
		sb.WriteString(note + "\n\n")
	}
	sb.WriteString("📚 " + c.L.Iso(s.LabName))
	if s.ModuleName != "" && s.ModuleName != s.LabName {
		sb.WriteString("\n🧩 " + c.L.Iso(s.ModuleName))
	}
	sb.WriteString("\n📅 " + c.L.DateTime(s.StartsAt.In(e.set.Location)))
	sb.WriteString("\n📍 " + c.L.Iso(s.Place))
	started := !c.Now.Before(s.StartsAt)
	var rows [][]bot.Button
	switch {
	case s.Status == storage.SessionCancelled:
		sb.WriteString("\n\n" + c.T("labs.cancelled"))
	case en != nil:
		sb.WriteString("\n\n" + c.T("labs.rsvp_now_"+rsvpKey(en.RSVP.String)))
		if started {
			sb.WriteString("\n" + c.T("labs.started"))
		} else {
			rows = append(rows, []bot.Button{btn(c.T("labs.yes"), notify.Data(notify.ButtonRSVP, s.ID, notify.RSVPYes)), btn(c.T("labs.no"), notify.Data(notify.ButtonRSVP, s.ID, notify.RSVPNo))})
		}
	case started:
		sb.WriteString("\n\n" + c.T("labs.started"))
	default:
		room, err := e.hasRoom(ctx, c, s)
		if err != nil {
			return err
		}
		if room {
			sb.WriteString("\n\n" + c.T("labs.can_join"))
			rows = append(rows, []bot.Button{btn(c.T("labs.join"), notify.Data(ButtonEnrol, s.ID))})
		} else {
			sb.WriteString("\n\n" + c.T("labs.full"))
		}
	}
	rows = append(rows, []bot.Button{{Text: label(c.T("labs.map")), URL: notify.MapLink(s)}})
	rows = append(rows, []bot.Button{btn(c.T("menu.back"), notify.Data(ButtonLabs, 0)), c.menuRow()[0]})
	return c.screen(ctx, sb.String(), rows...)
}

// hasRoom tells whether an open session can still take the beneficiary.
func (e *Engine) hasRoom(ctx context.Context, c *Ctx, s storage.Session) (bool, error) {
	open, err := storage.OpenSessions(ctx, c.Tx, s.Territory, c.Actor.Beneficiary.ID, c.Now)
	if err != nil {
		return false, err
	}
	for _, o := range open {
		if o.ID == s.ID {
			return true, nil
		}
	}
	return false, nil
}

// rsvp records yes or no, until the session starts; a no tells the tutor.
func (e *Engine) rsvp(ctx context.Context, c *Ctx) error {
	s, en, ok, err := e.visibleSession(ctx, c)
	if err != nil || !ok || en == nil {
		return orUnknown(ctx, c, err)
	}
	answer := c.Args().Str(1)
	if answer != notify.RSVPYes && answer != notify.RSVPNo {
		return c.Unknown(ctx)
	}
	if s.Status != storage.SessionScheduled || !c.Now.Before(s.StartsAt) {
		return e.showSession(ctx, c, s, en, c.T("labs.too_late"))
	}
	b := c.Actor.Beneficiary
	changed, err := storage.SetRSVP(ctx, c.Tx, s.ID, b.ID, answer, c.Now)
	if err != nil {
		return err
	}
	if !changed {
		c.Answer(c.T("labs.rsvp_same"))
		return e.showSession(ctx, c, s, en, c.T("labs.rsvp_same"))
	}
	if answer == notify.RSVPNo {
		tl, err := e.tutorLocalizer(ctx, c)
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("%s, %s", clip(s.LabName, maxLineRunes), tl.DateTime(s.StartsAt.In(e.set.Location)))
		if err := c.AlertTutor(ctx, *b, storage.AlertRSVPNo, s.ID, detail); err != nil {
			return err
		}
	}
	if err := c.SessionChanged(ctx, s.ID); err != nil {
		return err
	}
	en.RSVP.String, en.RSVP.Valid = answer, true
	note := c.T("labs.rsvp_saved_yes")
	if answer == notify.RSVPNo {
		note = c.T("labs.rsvp_saved_no") + " " + e.tutorToldLine(c)
	}
	return e.showSession(ctx, c, s, en, note)
}

// enrol puts the beneficiary in an open session of their territory that has room.
func (e *Engine) enrolSelf(ctx context.Context, c *Ctx) error {
	s, en, ok, err := e.visibleSession(ctx, c)
	if err != nil || !ok {
		return orUnknown(ctx, c, err)
	}
	if en != nil {
		c.Answer(c.T("labs.already_enrolled"))
		return e.showSession(ctx, c, s, en, c.T("labs.already_enrolled"))
	}
	if s.Status != storage.SessionScheduled || !s.OpenEnrolment || !c.Now.Before(s.StartsAt) || s.ForOperators() {
		return e.showLabs(ctx, c, 0, c.T("labs.cannot_join"))
	}
	// Counting the places and taking one is a single step (the session's row is locked): of
	// several people pressing Join for the last place at once, one gets it.
	b := c.Actor.Beneficiary
	outcome, err := storage.EnrolWithinCapacity(ctx, c.Tx, s.ID, b.ID, 0, c.Now)
	if err != nil {
		return err
	}
	switch outcome {
	case storage.SessionFull:
		c.Answer(c.T("labs.full_now"))
		return e.showSession(ctx, c, s, nil, c.T("labs.full_now"))
	case storage.AlreadyEnrolled:
		got, err := storage.EnrolmentOf(ctx, c.Tx, s.ID, b.ID)
		if err != nil {
			return err
		}
		c.Answer(c.T("labs.already_enrolled"))
		return e.showSession(ctx, c, s, &got, c.T("labs.already_enrolled"))
	}
	if err := c.SessionChanged(ctx, s.ID); err != nil {
		return err
	}
	got, err := storage.EnrolmentOf(ctx, c.Tx, s.ID, b.ID)
	if err != nil {
		return err
	}
	return e.showSession(ctx, c, s, &got, c.T("labs.enrolled"))
}
