package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/figures"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// buttonStats shows the figures of another territory: Data(buttonStats, code), "*" for all.
const buttonStats = "kst"

// allScope is the button argument for every territory.
const allScope = "*"

func (e *Engine) handleStats(ctx context.Context, c *Ctx) error {
	territory, ok, err := e.scopeArgument(ctx, c, "/stats", "stats.usage")
	if !ok || err != nil {
		return err
	}
	return e.sendStats(ctx, c, territory)
}

func (e *Engine) handleStatsButton(ctx context.Context, c *Ctx) error {
	arg := c.Args().Str(0)
	if arg == allScope {
		if c.Actor.ScopeTerritory() != "" {
			if err := c.Refuse(ctx, "/stats", "territory", allScope); err != nil {
				return err
			}
			return c.Unknown(ctx)
		}
		return e.sendStats(ctx, c, "")
	}
	code, err := c.checkTerritory(ctx, "/stats", arg)
	var ie *inputError
	if errors.As(err, &ie) {
		return c.Unknown(ctx)
	}
	if err != nil {
		return err
	}
	return e.sendStats(ctx, c, code)
}

// scopeArgument reads the optional territory of /stats and /export: the caller's own scope when
// absent. It has answered (and audited a refusal) when ok is false.
func (e *Engine) scopeArgument(ctx context.Context, c *Ctx, action, usage string) (territory string, ok bool, err error) {
	return e.scopeOf(ctx, c, c.In.Text, action, usage)
}

// scopeOf is scopeArgument over the given arguments (what follows a subcommand).
func (e *Engine) scopeOf(ctx context.Context, c *Ctx, text, action, usage string) (territory string, ok bool, err error) {
	args := strings.Fields(text)
	refuse := func(err error) (string, bool, error) {
		var ie *inputError
		if !errors.As(err, &ie) {
			return "", false, err
		}
		return "", false, c.ReplyText(ctx, "coordform.refused", "Problem", c.T(ie.id, ie.kv...), "Usage", c.T(usage))
	}
	switch len(args) {
	case 0:
		return c.Actor.ScopeTerritory(), true, nil
	case 1:
		if args[0] == allScope || strings.EqualFold(args[0], "all") || strings.EqualFold(args[0], "tutti") {
			if c.Actor.ScopeTerritory() != "" {
				if err := c.Refuse(ctx, action, "territory", allScope); err != nil {
					return "", false, err
				}
				return refuse(badInput("coordform.all_denied", "Territory", c.Actor.ScopeTerritory()))
			}
			return "", true, nil
		}
		code, err := c.checkTerritory(ctx, action, args[0])
		if err != nil {
			return refuse(err)
		}
		return code, true, nil
	}
	return refuse(badInput("coordform.extra", "Extra", strings.Join(args[1:], " ")))
}

// scopeName names a territory (or all of them) for a title.
func (e *Engine) scopeName(ctx context.Context, c *Ctx, territory string) (string, error) {
	if territory == "" {
		return c.T("stats.scope_all"), nil
	}
	t, err := storage.TerritoryByCode(ctx, c.Tx, territory)
	if err != nil {
		return "", err
	}
	return t.Name + " (" + t.Code + ")", nil
}

// sendStats answers with the figures as text, then as a chart (where the channel shows
// images; elsewhere its caption stands alone).
func (e *Engine) sendStats(ctx context.Context, c *Ctx, territory string) error {
	f, err := storage.ProjectFigures(ctx, c.Tx, territory)
	if err != nil {
		return err
	}
	scope, err := e.scopeName(ctx, c, territory)
	if err != nil {
		return err
	}
	text := strings.Join(figures.Lines(c.L, scope, f), "\n")
	cases, err := figures.ReadCases(ctx, c.Tx, territory, e.set.Targets)
	if err != nil {
		return err
	}
	text += "\n" + strings.Join(cases.Lines(c.L, territory), "\n")
	var rows [][]bot.Button
	if c.Actor.ScopeTerritory() == "" {
		ts, err := storage.Territories(ctx, c.Tx)
		if err != nil {
			return err
		}
		var row []bot.Button
		if territory != "" {
			row = append(row, bot.Button{Text: c.T("stats.btn_all"), Data: notify.Data(buttonStats, allScope)})
		}
		for _, t := range ts {
			if t.Code == territory {
				continue
			}
			row = append(row, bot.Button{Text: t.Code, Data: notify.Data(buttonStats, t.Code)})
			if len(row) == 5 {
				rows, row = append(rows, row), nil
			}
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
		text += "\n\n" + c.T("stats.other_territories")
	}
	if err := c.Reply(ctx, bot.Outgoing{Text: text, Buttons: rows}); err != nil {
		return err
	}
	if len(f.Steps) == 0 {
		return nil
	}
	// The chart's built-in fonts draw Latin letters only: readers of another script get its
	// labels in English (the figures above, and the caption, are in their language).
	chartL := c.L
	if c.L.Script() != "Latn" {
		chartL = e.cat.For("en")
	}
	png, err := figures.StepsChart(chartL, scope, f.Steps).PNG()
	if err != nil {
		return fmt.Errorf("stats chart: %w", err)
	}
	return c.Reply(ctx, bot.Outgoing{Text: c.T("stats.chart_caption", "Scope", scope),
		Image: &bot.File{Name: "insidebot-stats.png", MIME: "image/png", Data: png}})
}
