package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// checkTerritory reads a territory code the actor may act in. Another territory is refused and
// audited.
func (c *Ctx) checkTerritory(ctx context.Context, action, in string) (string, error) {
	t, err := ParseTerritory(ctx, c.Tx, in)
	if errors.Is(err, storage.ErrNotFound) {
		return "", badInput("ui.bad_territory", "Input", in)
	}
	if err != nil {
		return "", err
	}
	if !c.Actor.CanUseTerritory(t.Code) {
		if err := c.Refuse(ctx, action, "territory", t.Code); err != nil {
			return "", err
		}
		return "", badInput("coordform.territory_denied", "Territory", t.Code)
	}
	return t.Code, nil
}

// territoryChoices are the territories the actor may act in, as buttons.
func (c *Ctx) territoryChoices(ctx context.Context) ([]choice, error) {
	ts, err := storage.Territories(ctx, c.Tx)
	if err != nil {
		return nil, err
	}
	var out []choice
	for _, t := range ts {
		if c.Actor.CanUseTerritory(t.Code) {
			out = append(out, choice{label: t.Code + " " + t.Name, value: t.Code})
		}
	}
	return out, nil
}

// parseID reads a record id typed by staff ("12" or "#12").
func parseID(in string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(in), "#"), 10, 64)
	return n, err == nil && n > 0
}

// checkName reads the name of a lab or a module.
func checkName(in string) (string, error) {
	name := strings.Join(strings.Fields(in), " ")
	if n := len([]rune(name)); n < 2 || n > maxNameLen {
		return "", badInput("labsadmin.name_bad", "Max", maxNameLen)
	}
	return name, nil
}

const maxNameLen = 80

// scopedSession finds a session the actor manages. An id of another territory is refused and
// audited; unknown ids get the same answer.
func (c *Ctx) scopedSession(ctx context.Context, action, in string) (storage.Session, error) {
	id, ok := parseID(in)
	if !ok {
		return storage.Session{}, badInput("coordform.bad_id", "Input", in)
	}
	s, err := storage.SessionByID(ctx, c.Tx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return s, badInput("session.no_session", "Input", id)
	}
	if err != nil {
		return s, err
	}
	if !c.Actor.CanUseTerritory(s.Territory) {
		if err := c.Refuse(ctx, action, "session", strconv.FormatInt(id, 10)); err != nil {
			return s, err
		}
		return s, badInput("session.no_session", "Input", id)
	}
	return s, nil
}

// upcomingSession finds a scheduled session the actor manages that has not started.
func (c *Ctx) upcomingSession(ctx context.Context, action, in string) (storage.Session, error) {
	s, err := c.scopedSession(ctx, action, in)
	if err != nil {
		return s, err
	}
	if s.Status != storage.SessionScheduled {
		return s, badInput("session.is_cancelled", "ID", s.ID)
	}
	if !s.StartsAt.After(c.Now) {
		return s, badInput("session.started", "ID", s.ID, "When", c.L.DateTime(s.StartsAt.In(c.e.set.Location)))
	}
	return s, nil
}

// sessionChoices offers the upcoming sessions the actor manages.
func (c *Ctx) sessionChoices(ctx context.Context) ([]choice, error) {
	ss, err := storage.UpcomingSessions(ctx, c.Tx, c.Actor.ScopeTerritory(), c.Now, 20)
	if err != nil {
		return nil, err
	}
	out := make([]choice, 0, len(ss))
	for _, s := range ss {
		at := s.StartsAt.In(c.e.set.Location)
		out = append(out, choice{
			label: fmt.Sprintf("#%d %s", s.ID, at.Format("2/1 15:04")),
			value: strconv.FormatInt(s.ID, 10),
			line:  c.T("session.session_line", "ID", s.ID, "Lab", s.LabName, "Module", s.ModuleName, "When", c.L.DateTime(at), "Place", s.Place, "Territory", s.Territory),
		})
	}
	return out, nil
}

// sessionWhen renders when a session starts in the reader's language and BOT_TIMEZONE.
func (e *Engine) sessionWhen(l *locales.Localizer, t time.Time) string {
	return l.DateTime(t.In(e.set.Location))
}

// checkDate reads a civil date that is not before today.
func (c *Ctx) checkDate(in string) (string, error) {
	d, err := civil.ParseDate(in)
	if err != nil {
		return "", badInput("coordform.bad_date", "Input", in)
	}
	if d < civil.Today(c.Now, c.e.set.Location) {
		return "", badInput("coordform.date_past", "Input", in)
	}
	return d, nil
}

// checkFutureTime reads a time of day that, on the date already given, is in the future.
func (c *Ctx) checkFutureTime(date, in string) (string, time.Time, error) {
	h, m, err := civil.ParseClock(in)
	if err != nil {
		return "", time.Time{}, badInput("coordform.bad_time", "Input", in)
	}
	at, err := civil.At(date, h, m, c.e.set.Location)
	if err != nil {
		return "", time.Time{}, badInput("coordform.bad_date", "Input", date)
	}
	if !at.After(c.Now) {
		return "", time.Time{}, badInput("coordform.moment_past", "When", c.L.DateTime(at))
	}
	return fmt.Sprintf("%02d:%02d", h, m), at, nil
}

// codesList joins beneficiary codes for a message.
func codesList(codes []string) string { return strings.Join(codes, ", ") }
