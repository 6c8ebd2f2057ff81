package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// Labs are project-wide (the ten LabIn labs and their modules): every coordinator may add
// them. Sessions belong to a territory (coord_sessions.go).

// subcommand runs "/<cmd> <sub> args": the form of sub, or, with no sub at all, onEmpty;
// anything else is answered with the right forms.
func (e *Engine) subcommand(ctx context.Context, c *Ctx, subs map[string]string, usage string, onEmpty func() error) error {
	sub, rest := nextToken(c.In.Text)
	if sub == "" {
		return onEmpty()
	}
	name, ok := subs[strings.ToLower(sub)]
	if !ok {
		return c.ReplyText(ctx, "coordform.refused", "Problem", c.T("coordform.unknown_sub", "Input", sub), "Usage", c.T(usage))
	}
	return e.runForm(ctx, c, e.coordForm(name), rest)
}

func (e *Engine) handleLab(ctx context.Context, c *Ctx) error {
	return e.subcommand(ctx, c, map[string]string{"add": "la", "nuovo": "la"}, "labsadmin.usage_lab",
		func() error { return e.runForm(ctx, c, e.labAddForm(), "") })
}

func (e *Engine) handleModule(ctx context.Context, c *Ctx) error {
	return e.subcommand(ctx, c, map[string]string{"add": "ma", "nuovo": "ma"}, "labsadmin.usage_module",
		func() error { return e.runForm(ctx, c, e.moduleAddForm(), "") })
}

func (e *Engine) labAddForm() *form {
	return &form{name: "la", action: "/lab add", usage: "labsadmin.usage_lab",
		fields: []field{{key: "name", prompt: "labsadmin.ask_lab_name", rest: true,
			check: func(_ context.Context, _ *Ctx, _ map[string]string, in string) (string, error) { return checkName(in) }}},
		run: func(ctx context.Context, c *Ctx, v map[string]string) error {
			lab, err := storage.CreateLab(ctx, c.Tx, v["name"], "", c.staffID(), c.Now)
			if err != nil {
				return err
			}
			if err := c.Audit(ctx, "/lab add", "lab", strconv.FormatInt(lab.ID, 10), lab.Name); err != nil {
				return err
			}
			return c.ReplyText(ctx, "labsadmin.lab_created", "ID", lab.ID, "Name", lab.Name)
		}}
}

func (e *Engine) moduleAddForm() *form {
	return &form{name: "ma", action: "/module add", usage: "labsadmin.usage_module",
		fields: []field{
			{key: "lab", prompt: "labsadmin.ask_lab", choices: labChoices,
				check: func(ctx context.Context, c *Ctx, _ map[string]string, in string) (string, error) {
					id, ok := parseID(in)
					if !ok {
						return "", badInput("coordform.bad_id", "Input", in)
					}
					if _, err := storage.LabByID(ctx, c.Tx, id); errors.Is(err, storage.ErrNotFound) {
						return "", badInput("labsadmin.no_lab", "Input", id)
					} else if err != nil {
						return "", err
					}
					return strconv.FormatInt(id, 10), nil
				}},
			{key: "name", prompt: "labsadmin.ask_module_name", rest: true,
				check: func(_ context.Context, _ *Ctx, _ map[string]string, in string) (string, error) { return checkName(in) }},
		},
		run: func(ctx context.Context, c *Ctx, v map[string]string) error {
			labID, _ := parseID(v["lab"])
			lab, err := storage.LabByID(ctx, c.Tx, labID)
			if err != nil {
				return err
			}
			m, err := storage.CreateModule(ctx, c.Tx, labID, v["name"], c.Now)
			if err != nil {
				return err
			}
			if err := c.Audit(ctx, "/module add", "module", strconv.FormatInt(m.ID, 10), "lab="+v["lab"]+" "+m.Name); err != nil {
				return err
			}
			return c.ReplyText(ctx, "labsadmin.module_created", "ID", m.ID, "Name", m.Name, "Lab", lab.ID, "LabName", lab.Name)
		}}
}

func labChoices(ctx context.Context, c *Ctx, _ map[string]string) ([]choice, error) {
	labs, err := storage.Labs(ctx, c.Tx)
	if err != nil {
		return nil, err
	}
	out := make([]choice, 0, len(labs))
	for _, l := range labs {
		id := strconv.FormatInt(l.ID, 10)
		out = append(out, choice{label: truncate("#"+id+" "+l.Name, 20), value: id, line: "#" + id + " " + l.Name})
	}
	return out, nil
}

// handleLabs lists labs, modules and the upcoming sessions of the caller's territories with
// their ids (what /module, /session, /enrol and /attendance take).
func (e *Engine) handleLabs(ctx context.Context, c *Ctx) error {
	if strings.TrimSpace(c.In.Text) != "" {
		return c.ReplyText(ctx, "coordform.refused", "Problem", c.T("coordform.extra", "Extra", strings.TrimSpace(c.In.Text)),
			"Usage", c.T("labsadmin.usage_labs"))
	}
	labs, err := storage.Labs(ctx, c.Tx)
	if err != nil {
		return err
	}
	if len(labs) == 0 {
		return c.ReplyText(ctx, "labsadmin.no_labs_yet")
	}
	modules, err := storage.AllModules(ctx, c.Tx)
	if err != nil {
		return err
	}
	sessions, err := storage.UpcomingSessions(ctx, c.Tx, c.scopeTerritory(), c.Now, 500)
	if err != nil {
		return err
	}
	byModule := map[int64][]storage.Session{}
	for _, s := range sessions {
		byModule[s.ModuleID] = append(byModule[s.ModuleID], s)
	}
	byLab := map[int64][]storage.Module{}
	for _, m := range modules {
		byLab[m.LabID] = append(byLab[m.LabID], m)
	}
	lines := []string{c.T("labsadmin.list_title")}
	for _, l := range labs {
		lines = append(lines, "", c.T("labsadmin.list_lab", "ID", l.ID, "Name", l.Name))
		if len(byLab[l.ID]) == 0 {
			lines = append(lines, c.T("labsadmin.list_no_modules", "ID", l.ID))
		}
		for _, m := range byLab[l.ID] {
			lines = append(lines, c.T("labsadmin.list_module", "ID", m.ID, "Name", m.Name))
			for _, s := range byModule[m.ID] {
				enrolled, err := storage.EnrolmentsOf(ctx, c.Tx, s.ID)
				if err != nil {
					return err
				}
				lines = append(lines, c.T("labsadmin.list_session", "ID", s.ID, "When", e.sessionWhen(c.L, s.StartsAt), "Place", s.Place,
					"Territory", s.Territory, "Enrolled", len(enrolled)))
			}
		}
	}
	out := bot.Outgoing{Text: strings.Join(lines, "\n")}
	if c.Actor.Role().Has(Coordinators) {
		out.Text += "\n\n" + c.T("labsadmin.list_hint")
	}
	return c.Reply(ctx, out)
}
