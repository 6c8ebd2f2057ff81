package flows

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// A lab belongs to a territory or, with none, to the whole project (the ten LabIn labs). A
// coordinator adds labs to their territory and modules to its labs; project-wide labs are
// changed by admins only. Sessions belong to a territory (coord_sessions.go): those of a lab
// of a territory are held there.

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
	subs := map[string]string{"add": "la", "nuovo": "la", "operators": "lo", "operatori": "lo"}
	return e.subcommand(ctx, c, subs, "labsadmin.usage_lab",
		func() error { return e.runForm(ctx, c, e.labAddForm(), "") })
}

func (e *Engine) handleModule(ctx context.Context, c *Ctx) error {
	return e.subcommand(ctx, c, map[string]string{"add": "ma", "nuovo": "ma"}, "labsadmin.usage_module",
		func() error { return e.runForm(ctx, c, e.moduleAddForm(), "") })
}

func (e *Engine) labAddForm() *form {
	return e.labFormFor("la", "/lab add", storage.AudienceBeneficiaries)
}

// labOperatorsForm creates a lab for reception-centre operators (/lab operators <name>): its
// sessions may span days and operators, not beneficiaries, are enrolled in them.
func (e *Engine) labOperatorsForm() *form {
	return e.labFormFor("lo", "/lab operators", storage.AudienceOperators)
}

func (e *Engine) labFormFor(name, action, audience string) *form {
	usage, created := "labsadmin.usage_lab", "labsadmin.lab_created"
	if audience == storage.AudienceOperators {
		usage, created = "oplabs.usage_lab", "oplabs.lab_created"
	}
	return &form{name: name, action: action, usage: usage,
		fields: []field{{key: "name", prompt: "labsadmin.ask_lab_name", rest: true,
			check: func(_ context.Context, _ *Ctx, _ map[string]string, in string) (string, error) { return checkName(in) }}},
		run: func(ctx context.Context, c *Ctx, v map[string]string) error {
			// A coordinator's lab belongs to their territory; an admin's to the whole project. A
			// coordinator of every territory would make a project-wide lab: that is an admin's.
			territory := c.Actor.ScopeTerritory()
			if territory == "" && c.Actor.Role() != domain.RoleAdmin {
				if err := c.Refuse(ctx, action, "lab", ""); err != nil {
					return err
				}
				return c.ReplyText(ctx, "labsadmin.project_wide_admins")
			}
			lab, err := storage.CreateLabFor(ctx, c.Tx, audience, territory, v["name"], "", c.Actor.StaffID(), c.Now)
			if err != nil {
				return err
			}
			if err := c.Audit(ctx, action, "lab", strconv.FormatInt(lab.ID, 10), "territory="+territory+" audience="+audience+" "+lab.Name); err != nil {
				return err
			}
			return c.ReplyText(ctx, created, "ID", lab.ID, "Name", lab.Name, "Owner", c.labOwner(lab.Territory))
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
					lab, err := storage.LabByID(ctx, c.Tx, id)
					if errors.Is(err, storage.ErrNotFound) {
						return "", badInput("labsadmin.no_lab", "Input", id)
					} else if err != nil {
						return "", err
					}
					if err := c.checkLabChange(ctx, "/module add", lab); err != nil {
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

// checkLabChange refuses, audited, a change to a lab the actor may not change: a lab of
// another territory, or a project-wide lab for anyone but an admin.
func (c *Ctx) checkLabChange(ctx context.Context, action string, lab storage.Lab) error {
	if c.mayChangeLab(lab) {
		return nil
	}
	if err := c.Refuse(ctx, action, "lab", strconv.FormatInt(lab.ID, 10)); err != nil {
		return err
	}
	if lab.Territory.Valid {
		return badInput("labsadmin.lab_foreign", "ID", lab.ID, "Territory", lab.Territory.String)
	}
	return badInput("labsadmin.lab_project_wide", "ID", lab.ID)
}

func (c *Ctx) mayChangeLab(lab storage.Lab) bool {
	if !lab.Territory.Valid {
		return c.Actor.Role() == domain.RoleAdmin
	}
	return c.Actor.CanUseTerritory(lab.Territory.String)
}

// labOwner names who a lab belongs to: its territory, or the whole project.
func (c *Ctx) labOwner(territory sql.NullString) string {
	if territory.Valid {
		return territory.String
	}
	return c.T("labsadmin.project_wide")
}

func labChoices(ctx context.Context, c *Ctx, _ map[string]string) ([]choice, error) {
	labs, err := storage.Labs(ctx, c.Tx)
	if err != nil {
		return nil, err
	}
	out := make([]choice, 0, len(labs))
	for _, l := range labs {
		if !c.mayChangeLab(l) {
			continue
		}
		id := strconv.FormatInt(l.ID, 10)
		out = append(out, choice{label: label("#" + id + " " + l.Name), value: id, line: "#" + id + " " + l.Name})
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
	sessions, err := storage.UpcomingSessions(ctx, c.Tx, c.Actor.ScopeTerritory(), c.Now, 500)
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
		labLine := "labsadmin.list_lab"
		if l.Audience == storage.AudienceOperators {
			labLine = "oplabs.list_lab"
		}
		lines = append(lines, "", c.T(labLine, "ID", l.ID, "Name", l.Name, "Owner", c.labOwner(l.Territory)))
		if len(byLab[l.ID]) == 0 {
			lines = append(lines, c.T("labsadmin.list_no_modules", "ID", l.ID))
		}
		for _, m := range byLab[l.ID] {
			lines = append(lines, c.T("labsadmin.list_module", "ID", m.ID, "Name", m.Name))
			for _, s := range byModule[m.ID] {
				room, err := sessionRoom(ctx, c, s)
				if err != nil {
					return err
				}
				lines = append(lines, c.T("labsadmin.list_session", "ID", s.ID, "When", domain.SessionSpan(c.L, s, e.set.Location), "Place", s.Place,
					"Territory", s.Territory, "Enrolled", room.Enrolled))
			}
		}
	}
	out := bot.Outgoing{Text: strings.Join(lines, "\n")}
	if c.Actor.Role().Has(domain.Coordinators) {
		out.Text += "\n\n" + c.T("labsadmin.list_hint")
	}
	return c.Reply(ctx, out)
}
