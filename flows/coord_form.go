package flows

import (
	"context"
	"errors"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/notify"
)

// The coordinators' commands share one way of taking their arguments: a form, a list of fields
// read in order. Typed on one line (/session move 12 15/12/2025 10:00) every field is checked
// before anything changes; fields left out are asked one at a time, with buttons where the
// choices are few (the guided form). Either way the same checks run and the same action ends
// it, so the one-line and the guided form cannot disagree.

// Step, buttons and state keys of the coordinators' forms.
const (
	stepCoordForm = "kform"
	// buttonFormValue answers the question of a form: Data(buttonFormValue, form, value).
	buttonFormValue = "kfv"
	// buttonFormStart starts a form with no arguments: Data(buttonFormStart, form).
	buttonFormStart = "kfs"
	// buttonFormCancel abandons the form or step under way: Data(buttonFormCancel).
	buttonFormCancel = "kfx"
	stateForm        = "form"
)

// choice is one answer offered as a button; line, when set, describes it in the question's
// text (a button is short, a line can say which lab and when).
type choice struct {
	label string
	value string
	line  string
}

// field is one argument of a form.
type field struct {
	key    string
	prompt string // message id of the question asked when the field is missing
	rest   bool   // takes the rest of the line, spaces and new lines included
	// choices lists answers offered as buttons (nil: none).
	choices func(ctx context.Context, c *Ctx, v map[string]string) ([]choice, error)
	// auto fills the field without a question in the guided form (a coordinator's only
	// territory); ok false means ask.
	auto func(c *Ctx, v map[string]string) (string, bool)
	// skip, when set and true, leaves the field out (kept as "") for the values before it:
	// neither typed nor asked (the end of a session that does not span days).
	skip func(ctx context.Context, c *Ctx, v map[string]string) (bool, error)
	// check validates typed input against the values before it and returns the value kept. A
	// bad input is an *inputError; other errors are failures.
	check func(ctx context.Context, c *Ctx, v map[string]string, in string) (string, error)
}

// form is a coordinator command's arguments and what it does with them.
type form struct {
	name   string // short, in buttons and state
	action string // the audit log's name for it
	usage  string // message id of the one-line form
	fields []field
	run    func(ctx context.Context, c *Ctx, v map[string]string) error
}

// inputError is input a form refuses: a message id and its values, answered with the form's
// usage. Nothing has changed when it is returned.
type inputError struct {
	id string
	kv []any
}

func (e *inputError) Error() string { return "bad input: " + e.id }

func badInput(id string, kv ...any) error { return &inputError{id: id, kv: kv} }

// coordForm returns a form by name, nil for a name the bot never issued.
func (e *Engine) coordForm(name string) *form {
	switch name {
	case "la":
		return e.labAddForm()
	case "lo":
		return e.labOperatorsForm()
	case "ma":
		return e.moduleAddForm()
	case "sa":
		return e.sessionAddForm()
	case "sm":
		return e.sessionMoveForm()
	case "sc":
		return e.sessionCancelForm()
	case "en":
		return e.enrolForm()
	case "bc":
		return e.broadcastForm()
	}
	return nil
}

// nextToken splits the first word off s; rest keeps everything after it untouched but for the
// leading space.
func nextToken(s string) (tok, rest string) {
	s = strings.TrimLeft(s, " \t\r\n")
	i := strings.IndexAny(s, " \t\r\n")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t\r\n")
}

// runForm runs a form from a command's arguments: every given field is checked, then the
// missing ones are asked, or the form's action runs.
func (e *Engine) runForm(ctx context.Context, c *Ctx, f *form, args string) error {
	c.ClearStep()
	v := map[string]string{}
	rest := strings.TrimSpace(args)
	for _, fd := range f.fields {
		if rest == "" {
			break
		}
		if skipped, err := fd.skipped(ctx, c, v); err != nil || skipped {
			if err != nil {
				return err
			}
			continue
		}
		var in string
		if fd.rest {
			in, rest = rest, ""
		} else {
			in, rest = nextToken(rest)
		}
		val, err := fd.check(ctx, c, v, in)
		if err != nil {
			return e.formRefusal(ctx, c, f, err)
		}
		v[fd.key] = val
	}
	if rest != "" {
		return e.formRefusal(ctx, c, f, badInput("coordform.extra", "Extra", rest))
	}
	return e.advanceForm(ctx, c, f, v)
}

// skipped tells whether a field is left out given the values before it, and records it as "".
func (fd field) skipped(ctx context.Context, c *Ctx, v map[string]string) (bool, error) {
	if fd.skip == nil {
		return false, nil
	}
	skip, err := fd.skip(ctx, c, v)
	if err == nil && skip {
		v[fd.key] = ""
	}
	return skip, err
}

// formRefusal answers a refused input with what is wrong and the right form; it returns other
// errors as they are.
func (e *Engine) formRefusal(ctx context.Context, c *Ctx, f *form, err error) error {
	var ie *inputError
	if !errors.As(err, &ie) {
		return err
	}
	return c.ReplyText(ctx, "coordform.refused", "Problem", c.T(ie.id, ie.kv...), "Usage", c.T(f.usage))
}

// advanceForm asks for the first missing field, or runs the form when none is missing.
func (e *Engine) advanceForm(ctx context.Context, c *Ctx, f *form, v map[string]string) error {
	for _, fd := range f.fields {
		if _, ok := v[fd.key]; ok {
			continue
		}
		if skipped, err := fd.skipped(ctx, c, v); err != nil || skipped {
			if err != nil {
				return err
			}
			continue
		}
		if fd.auto != nil {
			if val, ok := fd.auto(c, v); ok {
				v[fd.key] = val
				continue
			}
		}
		data := map[string]string{stateForm: f.name}
		for k, val := range v {
			data[k] = val
		}
		c.SetStep(stepCoordForm, data)
		return e.askField(ctx, c, f, fd, v, "")
	}
	c.ClearStep()
	return f.run(ctx, c, v)
}

// askField asks a form's question, after a line saying what was wrong with the last answer.
func (e *Engine) askField(ctx context.Context, c *Ctx, f *form, fd field, v map[string]string, problem string) error {
	var text strings.Builder
	if problem != "" {
		text.WriteString(problem)
		text.WriteString("\n\n")
	}
	text.WriteString(c.T(fd.prompt))
	var rows [][]bot.Button
	if fd.choices != nil {
		chs, err := fd.choices(ctx, c, v)
		if err != nil {
			return err
		}
		var lines []string
		for _, ch := range chs {
			if ch.line != "" {
				lines = append(lines, ch.line)
			}
			rows = append(rows, []bot.Button{{Text: ch.label, Data: notify.Data(buttonFormValue, f.name, ch.value)}})
		}
		if len(lines) > 0 {
			text.WriteString("\n\n")
			text.WriteString(strings.Join(lines, "\n"))
		}
	}
	rows = append(rows, []bot.Button{{Text: c.T("coordform.cancel_button"), Data: notify.Data(buttonFormCancel)}})
	return c.Reply(ctx, bot.Outgoing{Text: text.String(), Buttons: rows})
}

// formAnswer takes the answer to the question a form waits on, typed or pressed.
func (e *Engine) formAnswer(ctx context.Context, c *Ctx, f *form, in string) error {
	v := map[string]string{}
	for k, val := range c.State.Data {
		if k != stateForm {
			v[k] = val
		}
	}
	for _, fd := range f.fields {
		if _, ok := v[fd.key]; ok {
			continue
		}
		val, err := fd.check(ctx, c, v, in)
		var ie *inputError
		if errors.As(err, &ie) {
			return e.askField(ctx, c, f, fd, v, c.T(ie.id, ie.kv...))
		}
		if err != nil {
			return err
		}
		v[fd.key] = val
		return e.advanceForm(ctx, c, f, v)
	}
	// Every field was filled (a state written by an older version): start again.
	c.ClearStep()
	return c.Unknown(ctx)
}

// handleFormText takes free text while a form waits for an answer; a cancel word ends it.
func (e *Engine) handleFormText(ctx context.Context, c *Ctx) error {
	f := e.coordForm(c.State.Get(stateForm))
	if f == nil {
		c.ClearStep()
		return c.Unknown(ctx)
	}
	if isCancelWord(c, c.In.Text) {
		return e.cancelForm(ctx, c)
	}
	return e.formAnswer(ctx, c, f, strings.TrimSpace(c.In.Text))
}

// handleFormButton takes a pressed answer: only for the form under way.
func (e *Engine) handleFormButton(ctx context.Context, c *Ctx) error {
	name, value := c.Args().Str(0), c.Args().Str(1)
	f := e.coordForm(name)
	if f == nil || c.State.Step != stepCoordForm || c.State.Get(stateForm) != name || value == "" {
		return c.Unknown(ctx)
	}
	return e.formAnswer(ctx, c, f, value)
}

// handleFormStart starts a form from a menu button.
func (e *Engine) handleFormStart(ctx context.Context, c *Ctx) error {
	f := e.coordForm(c.Args().Str(0))
	if f == nil {
		return c.Unknown(ctx)
	}
	return e.runForm(ctx, c, f, "")
}

// cancelForm abandons whatever the coordinator was filling in.
func (e *Engine) cancelForm(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	return c.ReplyText(ctx, "coordform.cancelled")
}

func isCancelWord(c *Ctx, text string) bool {
	w := normalizeWord(text)
	for _, cw := range strings.Split(c.T("coordform.cancel_words"), ",") {
		if w != "" && w == normalizeWord(cw) {
			return true
		}
	}
	return false
}

// truncate shortens s to n characters (runes), marking the cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
