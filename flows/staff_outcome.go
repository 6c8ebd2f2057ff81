package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// ButtonOutcome is the /outcome form: otc:k:<beneficiary id>:<kind>[:<replaces>] a kind;
// otc:t:<type>; otc:d:<detail>; otc:w (today); otc:n (no note); otc:c:<outcome id> correct;
// otc:x:<outcome id> withdraw (asks to confirm); otc:y:<token> the confirmation.
const ButtonOutcome = "otc"

// Steps of the /outcome form; data: b, kind, type, detail, date, r (the outcome corrected).
const (
	stepOutcomeForm = "outcome_form" // pickers open (buttons expected)
	stepOutcomeDate = "outcome_date" // a typed date expected
	stepOutcomeNote = "outcome_note" // a typed note expected
)

// confirmOutcomeWithdraw confirms a withdrawal; target "<outcome id>".
const confirmOutcomeWithdraw = "outcome withdraw"

func (e *Engine) outcomeRoutes() []Route {
	return []Route{
		{Command: "outcome", Roles: domain.Staff, Help: "outcomes.help", Handle: e.outcomeCommand},
		{Button: ButtonOutcome, Roles: domain.Staff, Action: "/outcome", Handle: e.outcomeButton},
		{Step: stepOutcomeDate, Roles: domain.Staff, Action: "/outcome", Handle: e.outcomeDateText},
		{Step: stepOutcomeNote, Roles: domain.Staff, Action: "/outcome", Handle: e.outcomeNoteText},
	}
}

// outcomeWhat names an outcome in the staff member's language: kind, type and detail.
func outcomeWhat(l *locales.Localizer, kind, typ, detail string) string {
	s := l.T("outcomes.kind_"+kind) + " · " + l.T("outcomes.type_"+kind+"_"+typ)
	if detail != "" {
		s += " · " + l.T("outcomes.detail_"+kind+"_"+strings.ToLower(detail))
	}
	return s
}

// outcomeCommand answers /outcome <code>: the person's outcomes (each can be corrected or
// withdrawn) and the kinds of a new one; without a code, the caseload to pick from.
func (e *Engine) outcomeCommand(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	args := tutorFields(c)
	if len(args) != 1 {
		return c.ReplyText(ctx, "outcomes.usage")
	}
	b, ok, err := c.StaffBeneficiary(ctx, "/outcome", args[0])
	if err != nil || !ok {
		return err
	}
	return e.outcomeOverview(ctx, c, b)
}

func (e *Engine) outcomeOverview(ctx context.Context, c *Ctx, b storage.Beneficiary) error {
	list, err := storage.OutcomesOf(ctx, c.Tx, b.ID)
	if err != nil {
		return err
	}
	lines := []string{c.T("outcomes.title", "Who", tutorName(b))}
	var buttons [][]bot.Button
	if len(list) == 0 {
		lines = append(lines, c.T("outcomes.none"))
	}
	for i, o := range list {
		lines = append(lines, c.T("outcomes.line", "N", i+1, "What", outcomeWhat(c.L, o.Kind, o.Type, o.Detail.String), "Date", notify.CivilDate(c.L, o.OccurredOn)))
		if i < tutorPage {
			n := strconv.Itoa(i + 1)
			buttons = append(buttons, []bot.Button{
				{Text: label("✏️ " + n + " " + c.T("outcomes.btn_correct")), Data: notify.Data(ButtonOutcome, "c", o.ID)},
				{Text: label("🗑 " + n + " " + c.T("outcomes.btn_withdraw")), Data: notify.Data(ButtonOutcome, "x", o.ID)},
			})
		}
	}
	lines = append(lines, "", c.T("outcomes.pick_kind"))
	var row []bot.Button
	for _, k := range storage.OutcomeKinds() {
		row = append(row, bot.Button{Text: c.T("outcomes.kind_" + k), Data: notify.Data(ButtonOutcome, "k", b.ID, k)})
		if len(row) == 2 {
			buttons, row = append(buttons, row), nil
		}
	}
	buttons = append(buttons, tutorCancelRow(c.L))
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n"), Buttons: buttons})
}

// outcomeForm is the beneficiary of the open form, checked again (still the actor's).
func (e *Engine) outcomeForm(ctx context.Context, c *Ctx) (storage.Beneficiary, bool, error) {
	if c.State.Step != stepOutcomeForm && c.State.Step != stepOutcomeDate && c.State.Step != stepOutcomeNote {
		return storage.Beneficiary{}, false, e.tutorStale(ctx, c, "", "")
	}
	return e.tutorBeneficiaryByID(ctx, c, c.State.Int("b"))
}

func (e *Engine) outcomeButton(ctx context.Context, c *Ctx) error {
	args := c.Args()
	switch args.Str(0) {
	case "k":
		id, _ := args.Int(1)
		kind := args.Str(2)
		if storage.OutcomeTypes(kind) == nil {
			return e.tutorStale(ctx, c, "", "")
		}
		b, ok, err := e.tutorBeneficiaryByID(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		data := map[string]string{"b": strconv.FormatInt(b.ID, 10), "kind": kind}
		if r := args.Str(3); r != "" {
			data["r"] = r
		}
		c.SetStep(stepOutcomeForm, data)
		return e.outcomeAskType(ctx, c, kind)
	case "c":
		id, _ := args.Int(1)
		o, err := storage.OutcomeByID(ctx, c.Tx, id)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if err != nil || o.Status != storage.OutcomeValid {
			return e.tutorStale(ctx, c, "outcome", strconv.FormatInt(id, 10))
		}
		b, ok, err := e.tutorBeneficiaryByID(ctx, c, o.BeneficiaryID)
		if err != nil || !ok {
			return err
		}
		c.SetStep(stepOutcomeForm, map[string]string{"b": strconv.FormatInt(b.ID, 10), "kind": o.Kind, "r": strconv.FormatInt(o.ID, 10)})
		return e.outcomeAskType(ctx, c, o.Kind)
	case "t":
		if _, ok, err := e.outcomeForm(ctx, c); err != nil || !ok {
			return err
		}
		kind, typ := c.State.Get("kind"), args.Str(1)
		if !containsStr(storage.OutcomeTypes(kind), typ) {
			return e.tutorStale(ctx, c, "", "")
		}
		c.State.Data["type"] = typ
		c.SetStep(stepOutcomeForm, c.State.Data)
		if details := storage.OutcomeDetails(kind, typ); details != nil {
			var buttons [][]bot.Button
			for _, d := range details {
				buttons = append(buttons, []bot.Button{{Text: c.T("outcomes.detail_" + kind + "_" + strings.ToLower(d)), Data: notify.Data(ButtonOutcome, "d", d)}})
			}
			buttons = append(buttons, tutorCancelRow(c.L))
			return c.Reply(ctx, bot.Outgoing{Text: c.T("outcomes.ask_detail_" + kind), Buttons: buttons})
		}
		return e.outcomeAskDate(ctx, c)
	case "d":
		if _, ok, err := e.outcomeForm(ctx, c); err != nil || !ok {
			return err
		}
		kind, typ, d := c.State.Get("kind"), c.State.Get("type"), args.Str(1)
		if !containsStr(storage.OutcomeDetails(kind, typ), d) {
			return e.tutorStale(ctx, c, "", "")
		}
		c.State.Data["detail"] = d
		return e.outcomeAskDate(ctx, c)
	case "w":
		if _, ok, err := e.outcomeForm(ctx, c); err != nil || !ok {
			return err
		}
		if c.State.Get("type") == "" {
			return e.tutorStale(ctx, c, "", "")
		}
		c.State.Data["date"] = civil.Today(c.Now, e.set.Location)
		return e.outcomeAskNote(ctx, c)
	case "n":
		b, ok, err := e.outcomeForm(ctx, c)
		if err != nil || !ok {
			return err
		}
		if c.State.Get("date") == "" {
			return e.tutorStale(ctx, c, "", "")
		}
		return e.outcomeSave(ctx, c, b, "")
	case "x":
		c.ClearStep()
		id, _ := args.Int(1)
		o, b, ok, err := e.outcomeOfScope(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		token, err := c.confirmToken(ctx, confirmOutcomeWithdraw, strconv.FormatInt(o.ID, 10))
		if err != nil {
			return err
		}
		return c.Reply(ctx, bot.Outgoing{Text: c.T("outcomes.confirm_withdraw", "Code", b.Code, "What", outcomeWhat(c.L, o.Kind, o.Type, o.Detail.String)),
			Buttons: [][]bot.Button{{{Text: c.T("outcomes.btn_withdraw"), Data: notify.Data(ButtonOutcome, "y", token)}}, tutorCancelRow(c.L)}})
	case "y":
		c.ClearStep()
		target, ok, err := c.takeConfirm(ctx, confirmOutcomeWithdraw, 1)
		if err != nil || !ok {
			return err
		}
		id, _ := strconv.ParseInt(target, 10, 64)
		o, b, ok, err := e.outcomeOfScope(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		if err := e.domain.WithdrawOutcome(ctx, c.Tx, c.Now, c.Actor, b, o.ID); err != nil {
			return e.outcomeAnswerError(ctx, c, err)
		}
		c.Answer(c.T("cases.done_short"))
		return c.ReplyText(ctx, "outcomes.withdrawn", "Code", b.Code, "What", outcomeWhat(c.L, o.Kind, o.Type, o.Detail.String))
	}
	return e.tutorStale(ctx, c, "", "")
}

// outcomeOfScope finds a valid outcome of a person the actor may act on; when not it has
// answered (stale, audited).
func (e *Engine) outcomeOfScope(ctx context.Context, c *Ctx, id int64) (storage.CaseOutcome, storage.Beneficiary, bool, error) {
	o, err := storage.OutcomeByID(ctx, c.Tx, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return o, storage.Beneficiary{}, false, err
	}
	if err != nil {
		return o, storage.Beneficiary{}, false, e.tutorStale(ctx, c, "outcome", strconv.FormatInt(id, 10))
	}
	b, ok, err := e.tutorBeneficiaryByID(ctx, c, o.BeneficiaryID)
	if err != nil || !ok {
		return o, b, false, err
	}
	if o.Status != storage.OutcomeValid {
		if err := c.Refuse(ctx, "/outcome", "outcome", strconv.FormatInt(id, 10)); err != nil {
			return o, b, false, err
		}
		return o, b, false, c.ReplyText(ctx, "outcomes.gone")
	}
	return o, b, true, nil
}

func (e *Engine) outcomeAskType(ctx context.Context, c *Ctx, kind string) error {
	var buttons [][]bot.Button
	for _, t := range storage.OutcomeTypes(kind) {
		buttons = append(buttons, []bot.Button{{Text: c.T("outcomes.type_" + kind + "_" + t), Data: notify.Data(ButtonOutcome, "t", t)}})
	}
	buttons = append(buttons, tutorCancelRow(c.L))
	return c.Reply(ctx, bot.Outgoing{Text: c.T("outcomes.ask_type", "Kind", c.T("outcomes.kind_"+kind)), Buttons: buttons})
}

func (e *Engine) outcomeAskDate(ctx context.Context, c *Ctx) error {
	c.SetStep(stepOutcomeDate, c.State.Data)
	return c.Reply(ctx, bot.Outgoing{Text: c.T("outcomes.ask_date"), Buttons: [][]bot.Button{
		{{Text: c.T("outcomes.btn_today"), Data: notify.Data(ButtonOutcome, "w")}}, tutorCancelRow(c.L)}})
}

func (e *Engine) outcomeAskNote(ctx context.Context, c *Ctx) error {
	c.SetStep(stepOutcomeNote, c.State.Data)
	return c.Reply(ctx, bot.Outgoing{Text: c.T("outcomes.ask_note"), Buttons: [][]bot.Button{
		{{Text: c.T("outcomes.btn_no_note"), Data: notify.Data(ButtonOutcome, "n")}}, tutorCancelRow(c.L)}})
}

// outcomeDateText takes a typed date: a real day, not in the future.
func (e *Engine) outcomeDateText(ctx context.Context, c *Ctx) error {
	if _, ok, err := e.outcomeForm(ctx, c); err != nil || !ok {
		return err
	}
	typed := strings.TrimSpace(c.In.Text)
	d, err := civil.ParseDate(typed)
	if errors.Is(err, civil.ErrBadDate) {
		return c.ReplyText(ctx, "step.bad_date", "Typed", typed)
	}
	if err != nil {
		return err
	}
	if d > civil.Today(c.Now, e.set.Location) {
		return c.ReplyText(ctx, "outcomes.future_date")
	}
	c.State.Data["date"] = d
	return e.outcomeAskNote(ctx, c)
}

func (e *Engine) outcomeNoteText(ctx context.Context, c *Ctx) error {
	b, ok, err := e.outcomeForm(ctx, c)
	if err != nil || !ok {
		return err
	}
	return e.outcomeSave(ctx, c, b, c.In.Text)
}

// outcomeSave records the form's outcome through the domain.
func (e *Engine) outcomeSave(ctx context.Context, c *Ctx, b storage.Beneficiary, note string) error {
	v := c.State.Data
	c.ClearStep()
	replaces, _ := strconv.ParseInt(v["r"], 10, 64)
	o, err := e.domain.RecordOutcome(ctx, c.Tx, c.Now, c.Actor, b, storage.NewOutcome{Kind: v["kind"], Type: v["type"], Detail: v["detail"],
		Note: note, OccurredOn: v["date"], ReplacesID: replaces})
	if err != nil {
		return e.outcomeAnswerError(ctx, c, err)
	}
	c.Answer(c.T("cases.done_short"))
	id := "outcomes.saved"
	if replaces != 0 {
		id = "outcomes.corrected"
	}
	return c.ReplyText(ctx, id, "Code", b.Code, "What", outcomeWhat(c.L, o.Kind, o.Type, o.Detail.String), "Date", notify.CivilDate(c.L, o.OccurredOn))
}

// outcomeAnswerError answers a refusal of the outcome actions (already audited).
func (e *Engine) outcomeAnswerError(ctx context.Context, c *Ctx, err error) error {
	switch {
	case errors.Is(err, domain.ErrOutcomeGone):
		return c.ReplyText(ctx, "outcomes.gone")
	case errors.Is(err, domain.ErrOutcomeInvalid), errors.Is(err, domain.ErrDenied):
		return c.ReplyText(ctx, "staffhelp.stale_form")
	}
	return err
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
