package flows

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Buttons and steps of broadcasts: Data(name, broadcastID[, lang]); Send and Cancel carry a
// one-time token after the id (confirm.go).
const (
	buttonBroadcastConfirm   = "kbc"
	buttonBroadcastSchedule  = "kbs"
	buttonBroadcastTranslate = "kbt"
	buttonBroadcastLang      = "kbl"
	buttonBroadcastCancel    = "kbx"
	stepBroadcastWhen        = "kbwhen"
	stepBroadcastVersion     = "kbtext"
)

func (e *Engine) handleBroadcast(ctx context.Context, c *Ctx) error {
	return e.runForm(ctx, c, e.broadcastForm(), c.In.Text)
}

func (e *Engine) broadcastForm() *form {
	const action = "/broadcast"
	return &form{name: "bc", action: action, usage: "broadcast.usage",
		fields: []field{
			{key: "audience", prompt: "broadcast.ask_audience", choices: audienceChoices,
				check: func(ctx context.Context, c *Ctx, _ map[string]string, in string) (string, error) {
					return c.checkAudience(ctx, action, in)
				}},
			{key: "text", prompt: "broadcast.ask_text", rest: true,
				check: func(ctx context.Context, c *Ctx, _ map[string]string, in string) (string, error) {
					return c.checkBroadcastText(ctx, action, in)
				}},
		},
		run: e.createBroadcast}
}

// announceID reads "announce:12" (or "annuncio:12", the typed_words.announce of any language): a
// session announcement.
func (w commandWords) announceID(text string) (string, bool) {
	k, v, found := strings.Cut(strings.TrimSpace(text), ":")
	if !found || strings.ContainsAny(k, " \n") {
		return "", false
	}
	if k == "announce" || w.announce[foldWord(k)] {
		return strings.TrimSpace(v), true
	}
	return "", false
}

// checkBroadcastText reads a broadcast's text, or a session announcement.
func (c *Ctx) checkBroadcastText(ctx context.Context, action, in string) (string, error) {
	text := strings.TrimSpace(in)
	if id, ok := c.e.words.announceID(text); ok {
		s, err := c.upcomingSession(ctx, action, id)
		if err != nil {
			return "", err
		}
		return "announce:" + strconv.FormatInt(s.ID, 10), nil
	}
	return checkFreeText(text)
}

func checkFreeText(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", badInput("coordform.empty")
	}
	if n := len([]rune(text)); n > domain.MaxBroadcastLen {
		return "", badInput("coordform.too_long", "Max", domain.MaxBroadcastLen)
	}
	return text, nil
}

func (e *Engine) createBroadcast(ctx context.Context, c *Ctx, v map[string]string) error {
	a, err := domain.ParseAudience(v["audience"])
	if err != nil {
		return err
	}
	nb := domain.NewBroadcast{Audience: a, Body: v["text"]}
	if id, ok := e.words.announceID(nb.Body); ok {
		nb.SessionID, _ = strconv.ParseInt(id, 10, 64)
		nb.Body = ""
	}
	b, err := e.domain.CreateBroadcast(ctx, c.Tx, c.Now, c.Actor, nb)
	if err != nil {
		return err
	}
	return e.broadcastPreview(ctx, c, b)
}

// broadcastPreview shows a draft as it will go: how many receive it in which language, who is
// left out and why, the message itself, and the buttons that send, schedule or drop it.
func (e *Engine) broadcastPreview(ctx context.Context, c *Ctx, b storage.Broadcast) error {
	a, err := domain.ParseAudience(b.Audience)
	if err != nil {
		return err
	}
	reach, err := domain.ReachOf(ctx, c.Tx, a)
	if err != nil {
		return err
	}
	byLang, excluded, total := reach.ByLang, reach.Excluded, reach.Total
	who, err := e.describeAudience(ctx, c.Tx, c.L, a)
	if err != nil {
		return err
	}
	texts, err := storage.BroadcastTexts(ctx, c.Tx, b.ID)
	if err != nil {
		return err
	}
	s, announces, err := domain.BroadcastSession(ctx, c.Tx, b)
	if err != nil {
		return err
	}
	var sess *storage.Session
	if announces {
		sess = &s
	}
	sample := e.domain.BroadcastMessage(c.L, b, sess, texts).Text
	preview := c.T("broadcast.preview", "ID", b.ID, "Audience", who, "Total", total, "ByLang", notify.CountsByKey(byLang, nil),
		"Excluded", e.exclusionText(c, excluded), "Lang", c.L.Native(), "Sample", sample)
	if total == 0 {
		// Nobody matches: say so plainly, and why (no one in the audience, or everyone in it
		// left out: STOP, no consent, unreachable), not "0 ()".
		why := c.T("broadcast.why_empty")
		if len(excluded) > 0 {
			why = c.T("broadcast.why_excluded", "Excluded", e.exclusionText(c, excluded))
		}
		preview = c.T("broadcast.preview_nobody", "ID", b.ID, "Audience", who, "Why", why, "Lang", c.L.Native(), "Sample", sample)
	}
	lines := []string{preview}
	if len(texts) > 0 {
		langs := make([]string, 0, len(texts))
		for l := range texts {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		lines = append(lines, c.T("broadcast.preview_versions", "Langs", strings.Join(langs, ", ")))
	}
	if sess == nil {
		lines = append(lines, e.untranslatedLines(c, reach, texts)...)
	}
	id := b.ID
	send, err := c.confirmToken(ctx, confirmBroadcastSend, strconv.FormatInt(id, 10))
	if err != nil {
		return err
	}
	drop, err := c.broadcastCancelButton(ctx, id)
	if err != nil {
		return err
	}
	rows := [][]bot.Button{{
		{Text: c.T("broadcast.btn_confirm"), Data: notify.Data(buttonBroadcastConfirm, id, send)},
		{Text: c.T("broadcast.btn_schedule"), Data: notify.Data(buttonBroadcastSchedule, id)},
	}}
	if sess == nil {
		rows = append(rows, []bot.Button{{Text: c.T("broadcast.btn_translate"), Data: notify.Data(buttonBroadcastTranslate, id)}})
	}
	rows = append(rows, []bot.Button{drop})
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n"), Buttons: rows})
}

func (e *Engine) exclusionText(c *Ctx, excluded map[string]int) string {
	if len(excluded) == 0 {
		return c.T("broadcast.none_excluded")
	}
	return notify.CountsByKey(excluded, func(k string) string { return c.T("broadcast.reason_" + k) })
}

// myBroadcast finds the broadcast a button or step names; only its author (or an admin) may act
// on it. Anything else is answered as input the bot does not know, and a broadcast of someone
// else is audited as a refusal.
func (c *Ctx) myBroadcast(ctx context.Context, action string, id int64) (storage.Broadcast, bool, error) {
	b, err := storage.BroadcastByID(ctx, c.Tx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return b, false, c.Unknown(ctx)
	}
	if err != nil {
		return b, false, err
	}
	if !c.Actor.CanManageBroadcast(b) {
		if err := c.Refuse(ctx, action, "broadcast", strconv.FormatInt(id, 10)); err != nil {
			return b, false, err
		}
		return b, false, c.Unknown(ctx)
	}
	return b, true, nil
}

func (c *Ctx) broadcastFromButton(ctx context.Context, action string) (storage.Broadcast, bool, error) {
	id, ok := c.Args().Int(0)
	if !ok {
		return storage.Broadcast{}, false, c.Unknown(ctx)
	}
	return c.myBroadcast(ctx, action, id)
}

func (c *Ctx) statusName(status string) string { return c.T("broadcast.status_" + status) }

// broadcastCancelButton is the button that drops a broadcast, with its one-time token.
func (c *Ctx) broadcastCancelButton(ctx context.Context, id int64) (bot.Button, error) {
	token, err := c.confirmToken(ctx, confirmBroadcastCancel, strconv.FormatInt(id, 10))
	if err != nil {
		return bot.Button{}, err
	}
	return bot.Button{Text: c.T("broadcast.btn_cancel"), Data: notify.Data(buttonBroadcastCancel, id, token)}, nil
}

// takeBroadcastToken uses up the token of a pressed Send or Cancel button of broadcast b
// (see takeConfirm).
func (c *Ctx) takeBroadcastToken(ctx context.Context, action string, b storage.Broadcast) (bool, error) {
	target, ok, err := c.takeConfirm(ctx, action, 1)
	if err != nil || !ok {
		return false, err
	}
	if target != strconv.FormatInt(b.ID, 10) {
		return false, c.Unknown(ctx)
	}
	return true, nil
}

// handleBroadcastConfirm sends a draft now: once, however many times Confirm is pressed.
func (e *Engine) handleBroadcastConfirm(ctx context.Context, c *Ctx) error {
	const action = "broadcast confirm"
	b, ok, err := c.broadcastFromButton(ctx, action)
	if !ok || err != nil {
		return err
	}
	if ok, err := c.takeBroadcastToken(ctx, confirmBroadcastSend, b); !ok || err != nil {
		return err
	}
	c.ClearStep()
	err = e.domain.ConfirmBroadcast(ctx, c.Tx, c.Now, c.Actor, b)
	if errors.Is(err, domain.ErrWrongState) {
		return c.ReplyText(ctx, "broadcast.not_draft", "ID", b.ID, "Status", c.statusName(b.Status))
	}
	if err != nil {
		return err
	}
	c.Answer(c.T("broadcast.confirmed_toast"))
	if b.CreatedBy != c.Actor.StaffID() {
		// The author gets the progress and the report; whoever confirmed for them is told so.
		return c.ReplyText(ctx, "broadcast.confirmed_for_author", "ID", b.ID)
	}
	return nil
}

// handleBroadcastCancel drops a draft or a scheduled broadcast.
func (e *Engine) handleBroadcastCancel(ctx context.Context, c *Ctx) error {
	const action = "broadcast cancel"
	b, ok, err := c.broadcastFromButton(ctx, action)
	if !ok || err != nil {
		return err
	}
	if ok, err := c.takeBroadcastToken(ctx, confirmBroadcastCancel, b); !ok || err != nil {
		return err
	}
	c.ClearStep()
	err = e.domain.CancelBroadcast(ctx, c.Tx, c.Now, c.Actor, b)
	if errors.Is(err, domain.ErrWrongState) {
		return c.ReplyText(ctx, "broadcast.cannot_cancel", "ID", b.ID, "Status", c.statusName(b.Status))
	}
	if err != nil {
		return err
	}
	return c.ReplyText(ctx, "broadcast.cancelled", "ID", b.ID)
}

// handleBroadcastSchedule asks when to send a draft.
func (e *Engine) handleBroadcastSchedule(ctx context.Context, c *Ctx) error {
	b, ok, err := c.broadcastFromButton(ctx, "broadcast schedule")
	if !ok || err != nil {
		return err
	}
	if b.Status != storage.BroadcastDraft {
		return c.ReplyText(ctx, "broadcast.not_draft", "ID", b.ID, "Status", c.statusName(b.Status))
	}
	c.SetStep(stepBroadcastWhen, map[string]string{"id": strconv.FormatInt(b.ID, 10)})
	return c.Reply(ctx, bot.Outgoing{Text: c.T("broadcast.ask_when"), Buttons: cancelRow(c)})
}

func cancelRow(c *Ctx) [][]bot.Button {
	return [][]bot.Button{{{Text: c.T("coordform.cancel_button"), Data: notify.Data(buttonFormCancel)}}}
}

// handleBroadcastWhen takes the date and time a draft is to be sent at.
func (e *Engine) handleBroadcastWhen(ctx context.Context, c *Ctx) error {
	const action = "broadcast schedule"
	if isCancelWord(c, c.In.Text) {
		return e.cancelForm(ctx, c)
	}
	b, ok, err := c.myBroadcast(ctx, action, c.State.Int("id"))
	if !ok || err != nil {
		c.ClearStep()
		return err
	}
	at, err := c.parseMoment(c.In.Text)
	var ie *inputError
	if errors.As(err, &ie) {
		return c.Reply(ctx, bot.Outgoing{Text: c.T(ie.id, ie.kv...) + "\n\n" + c.T("broadcast.ask_when"), Buttons: cancelRow(c)})
	}
	if err != nil {
		return err
	}
	c.ClearStep()
	// The scheduler calls domain.Service.StartBroadcast when it is due.
	err = e.domain.ScheduleBroadcast(ctx, c.Tx, c.Now, c.Actor, b, at)
	if errors.Is(err, domain.ErrWrongState) {
		return c.ReplyText(ctx, "broadcast.not_draft", "ID", b.ID, "Status", c.statusName(b.Status))
	}
	if err != nil {
		return err
	}
	drop, err := c.broadcastCancelButton(ctx, b.ID)
	if err != nil {
		return err
	}
	return c.Reply(ctx, bot.Outgoing{Text: c.T("broadcast.scheduled", "ID", b.ID, "When", c.L.DateTime(at.In(e.set.Location))),
		Buttons: [][]bot.Button{{drop}}})
}

// parseMoment reads "dd/mm/yyyy hh:mm" in the future.
func (c *Ctx) parseMoment(in string) (time.Time, error) {
	d, t := nextToken(in)
	if strings.TrimSpace(t) == "" || strings.ContainsAny(strings.TrimSpace(t), " \n") {
		return time.Time{}, badInput("broadcast.bad_when", "Input", strings.TrimSpace(in))
	}
	date, err := civil.ParseDate(d)
	if err != nil {
		return time.Time{}, badInput("broadcast.bad_when", "Input", strings.TrimSpace(in))
	}
	h, m, err := civil.ParseClock(t)
	if err != nil {
		return time.Time{}, badInput("broadcast.bad_when", "Input", strings.TrimSpace(in))
	}
	at, err := civil.At(date, h, m, c.e.set.Location)
	if err != nil {
		return time.Time{}, badInput("broadcast.bad_when", "Input", strings.TrimSpace(in))
	}
	if !at.After(c.Now) {
		return time.Time{}, badInput("coordform.moment_past", "When", c.L.DateTime(at))
	}
	return at, nil
}

// handleBroadcastTranslate offers the languages of the audience for a version of the text.
func (e *Engine) handleBroadcastTranslate(ctx context.Context, c *Ctx) error {
	b, ok, err := c.broadcastFromButton(ctx, "broadcast version")
	if !ok || err != nil {
		return err
	}
	if b.Status != storage.BroadcastDraft {
		return c.ReplyText(ctx, "broadcast.not_draft", "ID", b.ID, "Status", c.statusName(b.Status))
	}
	if b.SessionID.Valid {
		return c.ReplyText(ctx, "broadcast.no_versions_for_session")
	}
	a, err := domain.ParseAudience(b.Audience)
	if err != nil {
		return err
	}
	reach, err := domain.ReachOf(ctx, c.Tx, a)
	if err != nil {
		return err
	}
	var rows [][]bot.Button
	for _, code := range e.languageCodes() {
		if reach.Total > 0 && reach.ByLang[code] == 0 {
			continue
		}
		lang, _ := e.cat.Lang(code)
		rows = append(rows, []bot.Button{{Text: lang.Native, Data: notify.Data(buttonBroadcastLang, b.ID, code)}})
	}
	rows = append(rows, cancelRow(c)...)
	return c.Reply(ctx, bot.Outgoing{Text: c.T("broadcast.ask_lang"), Buttons: rows})
}

// handleBroadcastLang asks for the text in the chosen language.
func (e *Engine) handleBroadcastLang(ctx context.Context, c *Ctx) error {
	b, ok, err := c.broadcastFromButton(ctx, "broadcast version")
	if !ok || err != nil {
		return err
	}
	lang, known := e.cat.Lang(c.Args().Str(1))
	if !known || b.Status != storage.BroadcastDraft || b.SessionID.Valid {
		return c.Unknown(ctx)
	}
	c.SetStep(stepBroadcastVersion, map[string]string{"id": strconv.FormatInt(b.ID, 10), "lang": lang.Code})
	return c.Reply(ctx, bot.Outgoing{Text: c.T("broadcast.ask_version", "Lang", lang.Native), Buttons: cancelRow(c)})
}

// handleBroadcastVersion stores the text of one language and shows the preview again.
func (e *Engine) handleBroadcastVersion(ctx context.Context, c *Ctx) error {
	const action = "broadcast version"
	if isCancelWord(c, c.In.Text) {
		return e.cancelForm(ctx, c)
	}
	b, ok, err := c.myBroadcast(ctx, action, c.State.Int("id"))
	if !ok || err != nil {
		c.ClearStep()
		return err
	}
	lang, known := e.cat.Lang(c.State.Get("lang"))
	if !known || b.Status != storage.BroadcastDraft {
		c.ClearStep()
		return c.ReplyText(ctx, "broadcast.not_draft", "ID", b.ID, "Status", c.statusName(b.Status))
	}
	text, err := checkFreeText(c.In.Text)
	var ie *inputError
	if errors.As(err, &ie) {
		return c.Reply(ctx, bot.Outgoing{Text: c.T(ie.id, ie.kv...) + "\n\n" + c.T("broadcast.ask_version", "Lang", lang.Native), Buttons: cancelRow(c)})
	}
	c.ClearStep()
	err = e.domain.SetBroadcastVersion(ctx, c.Tx, c.Now, c.Actor, b, lang.Code, text)
	if errors.Is(err, domain.ErrWrongState) {
		return c.ReplyText(ctx, "broadcast.not_draft", "ID", b.ID, "Status", c.statusName(b.Status))
	}
	if err != nil {
		return err
	}
	if err := c.ReplyText(ctx, "broadcast.version_saved", "Lang", lang.Native); err != nil {
		return err
	}
	return e.broadcastPreview(ctx, c, b)
}

func (e *Engine) languageCodes() []string {
	var out []string
	for _, l := range locales.Languages() {
		out = append(out, l.Code)
	}
	return out
}

// handleBroadcasts lists the latest broadcasts with their status and figures.
func (e *Engine) handleBroadcasts(ctx context.Context, c *Ctx) error {
	if extra := strings.TrimSpace(c.In.Text); extra != "" {
		return c.ReplyText(ctx, "coordform.refused", "Problem", c.T("coordform.extra", "Extra", extra), "Usage", c.T("broadcast.usage_list"))
	}
	list, err := storage.RecentBroadcasts(ctx, c.Tx, c.Actor.ScopeTerritory(), c.Actor.StaffID(), 10)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return c.ReplyText(ctx, "broadcast.list_empty")
	}
	lines := []string{c.T("broadcast.list_title")}
	for _, b := range list {
		a, err := domain.ParseAudience(b.Audience)
		if err != nil {
			return err
		}
		who, err := e.describeAudience(ctx, c.Tx, c.L, a)
		if err != nil {
			return err
		}
		what := truncate(strings.Join(strings.Fields(b.Body), " "), 40)
		if b.SessionID.Valid {
			what = c.T("broadcast.announce_label", "ID", b.SessionID.Int64)
		}
		when := b.CreatedAt
		if b.ScheduledAt.Valid {
			when = b.ScheduledAt.Time
		}
		line := c.T("broadcast.list_line", "ID", b.ID, "Status", c.T("broadcast.list_status_"+b.Status), "Audience", who,
			"When", c.L.DateTime(when.In(e.set.Location)), "What", what)
		if b.Queued+b.Excluded > 0 {
			line += "\n   " + c.T("broadcast.list_counts", "Sent", b.Sent, "Queued", b.Queued, "Excluded", b.Excluded)
		}
		lines = append(lines, line)
	}
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n")})
}
