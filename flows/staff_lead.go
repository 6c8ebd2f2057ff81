package flows

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// The /lead add form asks these fields in order; "confirm" is the last step (publish or cancel).
const (
	tutorLeadTitle    = "title"
	tutorLeadDetails  = "details"
	tutorLeadRent     = "rent"
	tutorLeadContract = "contract"
	tutorLeadRole     = "role"
	tutorLeadEmployer = "employer"
	tutorLeadHours    = "hours"
	tutorLeadShared   = "shared"
	tutorLeadCity     = "city"
	tutorLeadContact  = "contact"
	tutorLeadExpiry   = "exp"
	tutorLeadConfirm  = "confirm"
)

// tutorLeadLimits() are the longest texts each field takes (characters).
func tutorLeadLimits() map[string]int {
	return map[string]int{tutorLeadTitle: 120, tutorLeadDetails: 1000, tutorLeadContract: 200, tutorLeadCity: 100, tutorLeadContact: 200,
		tutorLeadRole: 100, tutorLeadEmployer: 150, tutorLeadHours: 100}
}

// tutorLeadFields lists the fields the form asks for a kind of lead.
func tutorLeadFields(kind string) []string {
	if kind == storage.LeadJob {
		return []string{tutorLeadTitle, tutorLeadRole, tutorLeadEmployer, tutorLeadContract, tutorLeadHours, tutorLeadCity,
			tutorLeadDetails, tutorLeadContact, tutorLeadExpiry}
	}
	return []string{tutorLeadTitle, tutorLeadDetails, tutorLeadRent, tutorLeadShared, tutorLeadCity, tutorLeadContact, tutorLeadExpiry}
}

// tutorLead answers /lead add housing|job [territory] (a guided form) and /lead close <id>;
// /lead alone offers both.
func (e *Engine) tutorLead(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	args := tutorFields(c)
	if len(args) == 0 {
		return e.tutorLeadMenu(ctx, c, true)
	}
	switch word := strings.ToLower(args[0]); {
	case e.words.isAdd(word):
		switch len(args) {
		case 1:
			return e.tutorLeadMenu(ctx, c, false)
		case 2, 3:
		default:
			return c.ReplyText(ctx, "lead.usage")
		}
		kind, ok := e.words.leadKind(args[1])
		if !ok {
			return c.ReplyText(ctx, "lead.bad_kind", "Typed", args[1])
		}
		terr := ""
		if len(args) == 3 {
			t, err := ParseTerritory(ctx, c.Tx, args[2])
			if errors.Is(err, storage.ErrNotFound) {
				return c.ReplyText(ctx, "ui.bad_territory", "Input", args[2])
			}
			if err != nil {
				return err
			}
			terr = t.Code
		}
		return e.tutorLeadStart(ctx, c, kind, terr)
	case e.words.isClose(word):
		switch len(args) {
		case 1:
			return e.tutorLeadClosePicker(ctx, c)
		case 2:
			id, err := strconv.ParseInt(strings.TrimPrefix(args[1], "#"), 10, 64)
			if err != nil || id <= 0 {
				return c.ReplyText(ctx, "lead.bad_id", "Typed", args[1])
			}
			return e.tutorLeadClose(ctx, c, id)
		}
	}
	return c.ReplyText(ctx, "lead.usage")
}

// tutorLeadMenu offers the kinds of lead to add (and closing one).
func (e *Engine) tutorLeadMenu(ctx context.Context, c *Ctx, withClose bool) error {
	l := c.L
	rows := [][]bot.Button{{
		{Text: l.T("lead.kind.housing"), Data: notify.Data(ButtonTutorLead, "k", storage.LeadHousing)},
		{Text: l.T("lead.kind.job"), Data: notify.Data(ButtonTutorLead, "k", storage.LeadJob)},
	}}
	if withClose {
		rows = append(rows, []bot.Button{{Text: l.T("lead.close_one"), Data: notify.Data(ButtonTutorLead, "c")}})
	}
	return c.Reply(ctx, bot.Outgoing{Text: l.T("lead.ask_kind"), Buttons: append(rows, tutorCancelRow(l))})
}

// tutorLeadStart opens the form in a territory: the staff member's own; staff of every
// territory pick one.
func (e *Engine) tutorLeadStart(ctx context.Context, c *Ctx, kind, terr string) error {
	if terr == "" {
		terr = c.Actor.HomeTerritory()
	}
	if terr == "" {
		ts, err := storage.Territories(ctx, c.Tx)
		if err != nil {
			return err
		}
		var rows [][]bot.Button
		var row []bot.Button
		for _, t := range ts {
			row = append(row, bot.Button{Text: label(t.Code + " " + t.Name), Data: notify.Data(ButtonTutorLead, "t", kind, t.Code)})
			if len(row) == 3 {
				rows = append(rows, row)
				row = nil
			}
		}
		return c.Reply(ctx, bot.Outgoing{Text: c.T("lead.ask_territory"), Buttons: tutorRows(rows, row, tutorCancelRow(c.L))})
	}
	if !c.Actor.CanUseTerritory(terr) {
		c.ClearStep()
		return tutorRefuse(ctx, c, "/lead add", "territory", terr, "invite.foreign_territory", "Territory", terr)
	}
	data := map[string]string{"k": kind, "t": terr}
	return e.tutorLeadAsk(ctx, c, data, tutorLeadTitle)
}

// tutorLeadAsk moves the form to a field and asks it.
func (e *Engine) tutorLeadAsk(ctx context.Context, c *Ctx, data map[string]string, field string) error {
	l := c.L
	data["f"] = field
	c.SetStep(stepTutorLead, data)
	if field == tutorLeadConfirm {
		return c.Reply(ctx, bot.Outgoing{Text: l.T("lead.ask_confirm") + "\n\n" + e.tutorLeadSummary(c, data), Buttons: [][]bot.Button{
			{{Text: l.T("lead.publish"), Data: notify.Data(ButtonTutorLead, "ok")}}, tutorCancelRow(l),
		}})
	}
	var rows [][]bot.Button
	switch field {
	case tutorLeadTitle:
	case tutorLeadShared:
		rows = append(rows, []bot.Button{{Text: l.T("lead.yes"), Data: notify.Data(ButtonTutorLead, "y")}, {Text: l.T("lead.no"), Data: notify.Data(ButtonTutorLead, "n")}},
			[]bot.Button{{Text: l.T("lead.skip"), Data: notify.Data(ButtonTutorLead, "s")}})
	case tutorLeadExpiry:
		rows = append(rows, []bot.Button{{Text: l.T("lead.no_expiry"), Data: notify.Data(ButtonTutorLead, "s")}})
	default:
		rows = append(rows, []bot.Button{{Text: l.T("lead.skip"), Data: notify.Data(ButtonTutorLead, "s")}})
	}
	rows = append(rows, tutorCancelRow(l))
	return c.Reply(ctx, bot.Outgoing{Text: l.T(tutorLeadQuestion(data["k"], field), "Kind", l.T("lead.kind."+data["k"]), "Territory", data["t"]), Buttons: rows})
}

// tutorLeadQuestion is the message that asks a field: a job lead has its own wording for the
// title, the details and the place (its examples are of work, not of rooms).
func tutorLeadQuestion(kind, field string) string {
	if kind == storage.LeadJob && (field == tutorLeadTitle || field == tutorLeadDetails || field == tutorLeadCity) {
		return "lead.ask." + field + "_job"
	}
	return "lead.ask." + field
}

// tutorLeadNext asks the field after the current one (or the confirmation).
func (e *Engine) tutorLeadNext(ctx context.Context, c *Ctx, data map[string]string) error {
	fields := tutorLeadFields(data["k"])
	for i, f := range fields {
		if f == data["f"] {
			if i+1 < len(fields) {
				return e.tutorLeadAsk(ctx, c, data, fields[i+1])
			}
			break
		}
	}
	return e.tutorLeadAsk(ctx, c, data, tutorLeadConfirm)
}

// tutorLeadData copies the open form's data; ok is false when no /lead form is open.
func tutorLeadData(c *Ctx) (map[string]string, bool) {
	if c.State.Step != stepTutorLead || c.State.Get("k") == "" || c.State.Get("t") == "" {
		return nil, false
	}
	data := make(map[string]string, len(c.State.Data))
	for k, v := range c.State.Data {
		data[k] = v
	}
	return data, true
}

// tutorLeadText takes the typed value of the field the form asks.
func (e *Engine) tutorLeadText(ctx context.Context, c *Ctx) error {
	data, ok := tutorLeadData(c)
	if !ok {
		c.ClearStep()
		return e.tutorFallback(ctx, c)
	}
	text := strings.Join(strings.Fields(c.In.Text), " ")
	field := data["f"]
	switch field {
	case tutorLeadRent:
		rent, ok := tutorParseRent(text)
		if !ok {
			return c.Reply(ctx, bot.Outgoing{Text: c.T("lead.bad_rent", "Typed", text), Buttons: [][]bot.Button{tutorCancelRow(c.L)}})
		}
		data[field] = strconv.Itoa(rent)
	case tutorLeadShared:
		yes, ok := e.words.yesNo(text)
		if !ok {
			return e.tutorLeadAsk(ctx, c, data, field)
		}
		data[field] = "0"
		if yes {
			data[field] = "1"
		}
	case tutorLeadExpiry:
		d, ok, err := e.tutorParseDue(ctx, c, text)
		if err != nil || !ok {
			return err
		}
		data[field] = d
	case tutorLeadConfirm:
		return c.Reply(ctx, bot.Outgoing{Text: c.T("lead.use_buttons"), Buttons: [][]bot.Button{
			{{Text: c.T("lead.publish"), Data: notify.Data(ButtonTutorLead, "ok")}}, tutorCancelRow(c.L),
		}})
	default:
		limit, known := tutorLeadLimits()[field]
		if !known {
			c.ClearStep()
			return e.tutorFallback(ctx, c)
		}
		if text == "" {
			return e.tutorLeadAsk(ctx, c, data, field)
		}
		if n := utf8.RuneCountInString(text); n > limit {
			return c.ReplyText(ctx, "lead.too_long", "Max", limit, "Length", n)
		}
		data[field] = text
	}
	return e.tutorLeadNext(ctx, c, data)
}

// tutorParseRent reads a monthly rent in euros: "450", "450 €", "€450".
func tutorParseRent(s string) (int, bool) {
	s = strings.ToLower(s)
	for _, cut := range []string{"€", "euro", "eur", " "} {
		s = strings.ReplaceAll(s, cut, "")
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, ",00"), ".00")
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100000 {
		return 0, false
	}
	return n, true
}

// tutorLeadButton runs the /lead buttons: tl:<op>:<args>.
func (e *Engine) tutorLeadButton(ctx context.Context, c *Ctx) error {
	args := c.Args()
	switch op := args.Str(0); op {
	case "k":
		kind, ok := e.words.leadKind(args.Str(1))
		if !ok {
			return e.tutorStale(ctx, c, "", "")
		}
		c.ClearStep()
		return e.tutorLeadStart(ctx, c, kind, "")
	case "t":
		kind, ok := e.words.leadKind(args.Str(1))
		t, err := ParseTerritory(ctx, c.Tx, args.Str(2))
		if !ok || errors.Is(err, storage.ErrNotFound) {
			return e.tutorStale(ctx, c, "territory", args.Str(2))
		}
		if err != nil {
			return err
		}
		c.ClearStep()
		return e.tutorLeadStart(ctx, c, kind, t.Code)
	case "c":
		c.ClearStep()
		return e.tutorLeadClosePicker(ctx, c)
	case "x":
		id, ok := args.Int(1)
		if !ok {
			return e.tutorStale(ctx, c, "", "")
		}
		offered, ok, err := c.takeConfirm(ctx, confirmLeadClose, 2)
		if err != nil || !ok {
			return err
		}
		if !slices.Contains(strings.Split(offered, ","), strconv.FormatInt(id, 10)) {
			return e.tutorStale(ctx, c, "lead", strconv.FormatInt(id, 10))
		}
		c.ClearStep()
		return e.tutorLeadClose(ctx, c, id)
	case "s", "y", "n", "ok":
		data, ok := tutorLeadData(c)
		if !ok {
			return e.tutorStale(ctx, c, "", "")
		}
		field := data["f"]
		switch {
		case op == "ok" && field == tutorLeadConfirm:
			return e.tutorLeadPublish(ctx, c, data)
		case (op == "y" || op == "n") && field == tutorLeadShared:
			data[field] = map[string]string{"y": "1", "n": "0"}[op]
			return e.tutorLeadNext(ctx, c, data)
		case op == "s" && field != tutorLeadTitle && field != tutorLeadConfirm:
			delete(data, field)
			return e.tutorLeadNext(ctx, c, data)
		}
		// A button of an earlier step of the form: ask the current one again.
		return e.tutorLeadAsk(ctx, c, data, field)
	}
	return e.tutorStale(ctx, c, "", "")
}

// tutorLeadSummary renders the form's data.
func (e *Engine) tutorLeadSummary(c *Ctx, data map[string]string) string {
	l := c.L
	lines := []string{l.T("lead.summary_head", "Kind", l.T("lead.kind."+data["k"]), "Territory", data["t"])}
	for _, f := range tutorLeadFields(data["k"]) {
		v, ok := data[f]
		if !ok {
			continue
		}
		switch f {
		case tutorLeadRent:
			v = l.T("lead.rent_value", "Rent", v)
		case tutorLeadShared:
			if v == "1" {
				v = l.T("lead.yes")
			} else {
				v = l.T("lead.no")
			}
		case tutorLeadExpiry:
			v = notify.CivilDate(l, v)
		}
		lines = append(lines, l.T("lead.field."+f)+": "+v)
	}
	return strings.Join(lines, "\n")
}

// tutorLeadPublish creates the lead the form describes.
func (e *Engine) tutorLeadPublish(ctx context.Context, c *Ctx, data map[string]string) error {
	terr := data["t"]
	if !c.Actor.CanUseTerritory(terr) || data[tutorLeadTitle] == "" {
		return e.tutorStale(ctx, c, "territory", terr)
	}
	lead := storage.Lead{Kind: data["k"], Territory: terr, Title: data[tutorLeadTitle], Details: data[tutorLeadDetails],
		City: tutorNullString(data[tutorLeadCity]), Contract: tutorNullString(data[tutorLeadContract]),
		JobRole: tutorNullString(data[tutorLeadRole]), Employer: tutorNullString(data[tutorLeadEmployer]), Hours: tutorNullString(data[tutorLeadHours]),
		Contact: tutorNullString(data[tutorLeadContact]), ExpiresOn: tutorNullString(data[tutorLeadExpiry]),
		CreatedBy: sql.NullInt64{Int64: c.Actor.Staff.ID, Valid: true}}
	if v, ok := data[tutorLeadRent]; ok {
		n, _ := strconv.ParseInt(v, 10, 64)
		lead.RentEUR = sql.NullInt64{Int64: n, Valid: true}
	}
	if v, ok := data[tutorLeadShared]; ok {
		lead.Shared = sql.NullBool{Bool: v == "1", Valid: true}
	}
	created, err := storage.CreateLead(ctx, c.Tx, lead, c.Now)
	if err != nil {
		return err
	}
	if err := c.Audit(ctx, "/lead add", "lead", strconv.FormatInt(created.ID, 10), created.Kind+" "+terr); err != nil {
		return err
	}
	c.ClearStep()
	return c.ReplyText(ctx, "lead.created", "ID", created.ID, "Territory", terr, "Summary", e.tutorLeadSummary(c, data))
}

func tutorNullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// tutorLeadClosePicker offers the open leads the staff member may close.
func (e *Engine) tutorLeadClosePicker(ctx context.Context, c *Ctx) error {
	terr := c.Actor.ScopeTerritory()
	leads, err := storage.OpenLeadsIn(ctx, c.Tx, terr, tutorPage)
	if err != nil {
		return err
	}
	if len(leads) == 0 {
		return c.ReplyText(ctx, "lead.none_open")
	}
	l := c.L
	ids := make([]string, 0, len(leads))
	for _, ld := range leads {
		ids = append(ids, strconv.FormatInt(ld.ID, 10))
	}
	// One token for the question: it closes one of the leads offered, once.
	token, err := c.confirmToken(ctx, confirmLeadClose, strings.Join(ids, ","))
	if err != nil {
		return err
	}
	lines := []string{l.T("lead.ask_close")}
	var rows [][]bot.Button
	for _, ld := range leads {
		lines = append(lines, l.T("lead.line", "ID", ld.ID, "Kind", l.T("lead.kind."+ld.Kind), "Title", ld.Title, "Territory", ld.Territory))
		rows = append(rows, []bot.Button{{Text: label("🔒 #" + strconv.FormatInt(ld.ID, 10) + " " + ld.Title), Data: notify.Data(ButtonTutorLead, "x", ld.ID, token)}})
	}
	rows = append(rows, tutorCancelRow(l))
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n"), Buttons: rows})
}

// tutorLeadClose closes a lead of a territory the staff member may act in. A lead that does not
// exist and one of another territory get the same answer (the latter audited as refused).
func (e *Engine) tutorLeadClose(ctx context.Context, c *Ctx, id int64) error {
	ld, err := storage.LeadByID(ctx, c.Tx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return c.ReplyText(ctx, "lead.no_lead", "ID", id)
	}
	if err != nil {
		return err
	}
	if !c.Actor.CanUseTerritory(ld.Territory) {
		return tutorRefuse(ctx, c, "/lead close", "lead", strconv.FormatInt(id, 10), "lead.no_lead", "ID", id)
	}
	if ld.Status != "open" {
		return c.ReplyText(ctx, "lead.already_closed", "ID", id, "Title", ld.Title)
	}
	closed, err := storage.CloseLead(ctx, c.Tx, id, c.Now)
	if err != nil {
		return err
	}
	if !closed {
		return c.ReplyText(ctx, "lead.already_closed", "ID", id, "Title", ld.Title)
	}
	if err := c.Audit(ctx, "/lead close", "lead", strconv.FormatInt(id, 10), ld.Kind+" "+ld.Territory); err != nil {
		return err
	}
	return c.ReplyText(ctx, "lead.closed", "ID", id, "Title", ld.Title)
}
