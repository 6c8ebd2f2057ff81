package flows

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// buttonSessionCancelConfirm cancels a session: Data(buttonSessionCancelConfirm, token).
const buttonSessionCancelConfirm = "kscy"

// SessionLength is how long a lab session lasts unless said otherwise.
const SessionLength = domain.SessionLength

func (e *Engine) handleSession(ctx context.Context, c *Ctx) error {
	subs := map[string]string{"add": "sa", "nuova": "sa", "move": "sm", "sposta": "sm", "cancel": "sc", "annulla": "sc"}
	return e.subcommand(ctx, c, subs, "session.usage", func() error { return e.sessionMenu(ctx, c) })
}

// sessionMenu offers the three things /session does.
func (e *Engine) sessionMenu(ctx context.Context, c *Ctx) error {
	return c.Reply(ctx, bot.Outgoing{Text: c.T("session.menu") + "\n\n" + c.T("session.usage"), Buttons: [][]bot.Button{
		{{Text: c.T("session.btn_add"), Data: notify.Data(buttonFormStart, "sa")}},
		{{Text: c.T("session.btn_move"), Data: notify.Data(buttonFormStart, "sm")}},
		{{Text: c.T("session.btn_cancel"), Data: notify.Data(buttonFormStart, "sc")}},
	}})
}

// sessionField is the form field naming an upcoming session the actor manages.
func sessionField(action, prompt string) field {
	return field{key: "session", prompt: prompt,
		choices: func(ctx context.Context, c *Ctx, _ map[string]string) ([]choice, error) { return c.sessionChoices(ctx) },
		check: func(ctx context.Context, c *Ctx, _ map[string]string, in string) (string, error) {
			s, err := c.upcomingSession(ctx, action, in)
			if err != nil {
				return "", err
			}
			return strconv.FormatInt(s.ID, 10), nil
		}}
}

func dateField() field {
	return field{key: "date", prompt: "session.ask_date",
		check: func(_ context.Context, c *Ctx, _ map[string]string, in string) (string, error) {
			return c.checkDate(in)
		}}
}

func timeField() field {
	return field{key: "time", prompt: "session.ask_time",
		check: func(_ context.Context, c *Ctx, v map[string]string, in string) (string, error) {
			hm, _, err := c.checkFutureTime(v["date"], in)
			return hm, err
		}}
}

// startOf is the moment of a form's date and time fields (both already checked).
func (c *Ctx) startOf(v map[string]string) (time.Time, error) {
	h, m, err := civil.ParseClock(v["time"])
	if err != nil {
		return time.Time{}, fmt.Errorf("checked time %q: %w", v["time"], err)
	}
	return civil.At(v["date"], h, m, c.e.set.Location)
}

// parsePlace splits what follows a session's time: the place, a map link (any http(s) URL in
// it) and the word open (typed_words.open of any language) at its end.
func (w commandWords) parsePlace(in string) (place, mapURL string, open bool) {
	var words []string
	for _, word := range strings.Fields(in) {
		lw := strings.ToLower(word)
		if strings.HasPrefix(lw, "http://") || strings.HasPrefix(lw, "https://") {
			if u, err := url.Parse(word); err == nil && u.Host != "" {
				mapURL = word
				continue
			}
		}
		words = append(words, word)
	}
	if n := len(words); n > 0 && w.open[foldWord(words[n-1])] {
		open, words = true, words[:n-1]
	}
	return strings.Join(words, " "), mapURL, open
}

const maxPlaceLen = 200

func (e *Engine) sessionAddForm() *form {
	const action = "/session add"
	return &form{name: "sa", action: action, usage: "session.usage_add",
		fields: []field{
			{key: "module", prompt: "session.ask_module", choices: moduleChoices,
				check: func(ctx context.Context, c *Ctx, _ map[string]string, in string) (string, error) {
					id, ok := parseID(in)
					if !ok {
						return "", badInput("coordform.bad_id", "Input", in)
					}
					m, err := storage.ModuleByID(ctx, c.Tx, id)
					if errors.Is(err, storage.ErrNotFound) {
						return "", badInput("session.no_module", "Input", id)
					} else if err != nil {
						return "", err
					}
					// A lab of another territory is not the coordinator's to schedule.
					if m.LabTerritory.Valid && !c.Actor.CanUseTerritory(m.LabTerritory.String) {
						if err := c.Refuse(ctx, action, "lab", strconv.FormatInt(m.LabID, 10)); err != nil {
							return "", err
						}
						return "", badInput("labsadmin.lab_foreign", "ID", m.LabID, "Territory", m.LabTerritory.String)
					}
					return strconv.FormatInt(id, 10), nil
				}},
			{key: "territory", prompt: "session.ask_territory",
				choices: func(ctx context.Context, c *Ctx, _ map[string]string) ([]choice, error) {
					return c.territoryChoices(ctx)
				},
				auto: func(c *Ctx, _ map[string]string) (string, bool) {
					t := c.Actor.ScopeTerritory()
					return t, t != ""
				},
				check: func(ctx context.Context, c *Ctx, v map[string]string, in string) (string, error) {
					t, err := c.checkTerritory(ctx, action, in)
					if err != nil {
						return "", err
					}
					// The sessions of a lab of a territory are held there.
					id, _ := parseID(v["module"])
					m, err := storage.ModuleByID(ctx, c.Tx, id)
					if err != nil {
						return "", err
					}
					if m.LabTerritory.Valid && m.LabTerritory.String != t {
						return "", badInput("session.lab_elsewhere", "Territory", m.LabTerritory.String)
					}
					return t, nil
				}},
			dateField(),
			timeField(),
			untilField(),
			endField(),
			{key: "place", prompt: "session.ask_place", rest: true,
				check: func(_ context.Context, c *Ctx, _ map[string]string, in string) (string, error) {
					place, _, _ := c.e.words.parsePlace(in)
					if place == "" {
						return "", badInput("session.no_place")
					}
					if len([]rune(place)) > maxPlaceLen {
						return "", badInput("coordform.too_long", "Max", maxPlaceLen)
					}
					return strings.TrimSpace(in), nil
				}},
		},
		run: e.addSession}
}

func moduleChoices(ctx context.Context, c *Ctx, _ map[string]string) ([]choice, error) {
	labs, err := storage.Labs(ctx, c.Tx)
	if err != nil {
		return nil, err
	}
	labName := map[int64]string{}
	for _, l := range labs {
		labName[l.ID] = l.Name
	}
	modules, err := storage.AllModules(ctx, c.Tx)
	if err != nil {
		return nil, err
	}
	out := make([]choice, 0, len(modules))
	for _, m := range modules {
		if m.LabTerritory.Valid && !c.Actor.CanUseTerritory(m.LabTerritory.String) {
			continue
		}
		id := strconv.FormatInt(m.ID, 10)
		out = append(out, choice{label: label("#" + id + " " + m.Name), value: id,
			line: c.T("session.module_line", "ID", m.ID, "Lab", labName[m.LabID], "Name", m.Name)})
	}
	return out, nil
}

func (e *Engine) addSession(ctx context.Context, c *Ctx, v map[string]string) error {
	moduleID, _ := parseID(v["module"])
	starts, err := c.startOf(v)
	if err != nil {
		return err
	}
	ends, err := c.endOf(v, starts)
	if err != nil {
		return err
	}
	place, mapURL, open := e.words.parsePlace(v["place"])
	s, err := e.domain.CreateSession(ctx, c.Tx, c.Now, c.Actor, storage.NewSession{ModuleID: moduleID, Territory: v["territory"],
		StartsAt: starts, EndsAt: ends, Place: place, MapURL: mapURL, OpenEnrolment: open})
	if answered, err := e.sessionRefusal(ctx, c, err, 0, starts); answered || err != nil {
		return err
	}
	if s.ForOperators() {
		return c.ReplyText(ctx, "oplabs.session_created", "ID", s.ID, "Lab", s.LabName, "Module", s.ModuleName,
			"When", domain.SessionSpan(c.L, s, e.set.Location), "Place", s.Place, "Territory", s.Territory, "Map", notify.MapLink(s))
	}
	enrolment := "session.open_no"
	if s.OpenEnrolment {
		enrolment = "session.open_yes"
	}
	return c.ReplyText(ctx, "session.created", "ID", s.ID, "Lab", s.LabName, "Module", s.ModuleName, "When", e.sessionWhen(c.L, s.StartsAt),
		"Place", s.Place, "Territory", s.Territory, "Map", notify.MapLink(s), "Enrolment", c.T(enrolment))
}

func (e *Engine) sessionMoveForm() *form {
	const action = "/session move"
	tf := timeField()
	check := tf.check
	tf.check = func(ctx context.Context, c *Ctx, v map[string]string, in string) (string, error) {
		hm, err := check(ctx, c, v, in)
		if err != nil {
			return "", err
		}
		id, _ := parseID(v["session"])
		s, err := storage.SessionByID(ctx, c.Tx, id)
		if err != nil {
			return "", err
		}
		if at, err := c.startOf(map[string]string{"date": v["date"], "time": hm}); err == nil && at.Equal(s.StartsAt) {
			return "", badInput("session.same_time", "ID", s.ID, "When", e.sessionWhen(c.L, s.StartsAt))
		}
		return hm, nil
	}
	return &form{name: "sm", action: action, usage: "session.usage_move",
		fields: []field{sessionField(action, "session.ask_session_move"), dateField(), tf},
		run:    e.moveSession}
}

func (e *Engine) moveSession(ctx context.Context, c *Ctx, v map[string]string) error {
	id, _ := parseID(v["session"])
	s, err := storage.SessionByID(ctx, c.Tx, id)
	if err != nil {
		return err
	}
	starts, err := c.startOf(v)
	if err != nil {
		return err
	}
	told, err := e.domain.MoveSession(ctx, c.Tx, c.Now, c.Actor, s, starts)
	when := s.StartsAt
	if errors.Is(err, domain.ErrSessionPast) {
		when = starts
	}
	if answered, err := e.sessionRefusal(ctx, c, err, id, when); answered || err != nil {
		return err
	}
	return c.ReplyText(ctx, "session.moved", "ID", id, "Old", e.sessionWhen(c.L, s.StartsAt), "New", e.sessionWhen(c.L, starts),
		"Told", e.toldLine(c, told))
}

func (e *Engine) sessionCancelForm() *form {
	const action = "/session cancel"
	return &form{name: "sc", action: action, usage: "session.usage_cancel",
		fields: []field{sessionField(action, "session.ask_session_cancel")},
		run:    e.askCancelSession}
}

// askCancelSession asks the coordinator to confirm a cancellation: the button carries a
// one-time token, and only it cancels.
func (e *Engine) askCancelSession(ctx context.Context, c *Ctx, v map[string]string) error {
	id, _ := parseID(v["session"])
	s, err := storage.SessionByID(ctx, c.Tx, id)
	if err != nil {
		return err
	}
	room, err := sessionRoom(ctx, c, s)
	if err != nil {
		return err
	}
	text := c.T("session.cancel_confirm", "ID", id, "Lab", s.LabName, "Module", s.ModuleName, "When", e.sessionWhen(c.L, s.StartsAt),
		"Enrolled", room.Enrolled)
	return c.askToConfirm(ctx, text, "session.cancel_yes", buttonSessionCancelConfirm, confirmSessionCancel, strconv.FormatInt(id, 10))
}

// handleSessionCancelConfirm cancels the session a confirmation button names, once, if the
// coordinator still manages it and it has not started.
func (e *Engine) handleSessionCancelConfirm(ctx context.Context, c *Ctx) error {
	s, _, ok, err := c.confirmedSession(ctx, confirmSessionCancel, "/session cancel")
	if err != nil || !ok {
		return err
	}
	return e.cancelSession(ctx, c, s.ID)
}

func (e *Engine) cancelSession(ctx context.Context, c *Ctx, id int64) error {
	s, err := storage.SessionByID(ctx, c.Tx, id)
	if err != nil {
		return err
	}
	told, err := e.domain.CancelSession(ctx, c.Tx, c.Now, c.Actor, s)
	if answered, err := e.sessionRefusal(ctx, c, err, id, s.StartsAt); answered || err != nil {
		return err
	}
	return c.ReplyText(ctx, "session.cancel_done", "ID", id, "Lab", s.LabName, "Module", s.ModuleName,
		"When", e.sessionWhen(c.L, s.StartsAt), "Told", e.toldLine(c, told))
}

// sessionRefusal answers what the domain said of a session change that changed nothing (a
// session cancelled or started meanwhile, a time already past, the same time; when is the
// session's start, or the new one asked for when that has passed); answered is
// false when there is nothing to answer (err nil) or err is a failure (or ErrDenied, answered
// by the engine).
func (e *Engine) sessionRefusal(ctx context.Context, c *Ctx, err error, id int64, when time.Time) (answered bool, _ error) {
	switch {
	case errors.Is(err, domain.ErrSessionCancelled):
		return true, c.ReplyText(ctx, "session.is_cancelled", "ID", id)
	case errors.Is(err, domain.ErrSessionStarted):
		return true, c.ReplyText(ctx, "session.started", "ID", id, "When", e.sessionWhen(c.L, when))
	case errors.Is(err, domain.ErrSessionPast):
		return true, c.ReplyText(ctx, "coordform.moment_past", "When", e.sessionWhen(c.L, when))
	case errors.Is(err, domain.ErrSessionSameTime):
		return true, c.ReplyText(ctx, "session.same_time", "ID", id, "When", e.sessionWhen(c.L, when))
	}
	return false, err
}

// toldLine says how many people were told of a change to a session and who could not be.
func (e *Engine) toldLine(c *Ctx, told domain.Told) string {
	if told.Told == 0 && len(told.Unreached) == 0 {
		return c.T("session.nobody_enrolled")
	}
	var lines []string
	if told.Told > 0 {
		lines = append(lines, c.L.N("session.told", told.Told))
	}
	if len(told.Unreached) > 0 {
		lines = append(lines, c.L.N("session.not_reached", len(told.Unreached), "Codes", codesList(told.Unreached)))
	}
	return strings.Join(lines, "\n")
}
