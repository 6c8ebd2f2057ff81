package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/research"
)

// handleExport sends the research dataset (see package research) of the caller's territories as
// two CSV documents: one row per pseudonymised person, and the aggregated tables.
// "/export monitoring [territory]" sends the funder's monitoring counts instead (coord_export_monitoring.go);
// "/export research [territory]" is the same as "/export [territory]".
func (e *Engine) handleExport(ctx context.Context, c *Ctx) error {
	args := c.In.Text
	switch sub, rest := nextToken(args); {
	case e.words.exportMonitoring[foldWord(sub)]:
		return e.exportMonitoring(ctx, c, rest)
	case e.words.exportResearch[foldWord(sub)]:
		args = rest
	}
	if len(e.set.ResearchKey) == 0 {
		return c.ReplyText(ctx, "export.no_key")
	}
	territory, ok, err := e.scopeOf(ctx, c, args, "/export", "export.usage")
	if !ok || err != nil {
		return err
	}
	d, err := research.Build(ctx, c.Tx, e.set.ResearchKey, territory, c.Now, e.set.Location)
	if errors.Is(err, research.ErrNoKey) {
		return c.ReplyText(ctx, "export.no_key")
	}
	if err != nil {
		return err
	}
	var people, aggregates bytes.Buffer
	if err := d.WritePeople(&people); err != nil {
		return err
	}
	if err := d.WriteAggregates(&aggregates); err != nil {
		return err
	}
	scope, err := e.scopeName(ctx, c, territory)
	if err != nil {
		return err
	}
	target := territory
	if target == "" {
		target = allScope
	}
	if err := c.Audit(ctx, "/export", "dataset", "research", fmt.Sprintf("territory=%s people=%d rows=%d", target, d.Consenting, len(d.People))); err != nil {
		return err
	}
	intro := "export.ready"
	if len(d.People) == 0 {
		intro = "export.too_few"
	}
	if err := c.ReplyText(ctx, intro, "Scope", scope, "People", d.Consenting, "Min", research.MinCell); err != nil {
		return err
	}
	peopleName, aggregatesName := research.FileNames(territory, c.Now)
	if err := c.Reply(ctx, bot.Outgoing{Text: c.T("export.people_caption"),
		Document: &bot.File{Name: peopleName, MIME: "text/csv", Data: people.Bytes()}}); err != nil {
		return err
	}
	if err := c.Reply(ctx, bot.Outgoing{Text: c.T("export.aggregates_caption"),
		Document: &bot.File{Name: aggregatesName, MIME: "text/csv", Data: aggregates.Bytes()}}); err != nil {
		return err
	}
	var codebook bytes.Buffer
	if err := research.WriteCodebook(&codebook); err != nil {
		return err
	}
	return c.Reply(ctx, bot.Outgoing{Text: c.T("export.codebook_caption"),
		Document: &bot.File{Name: research.CodebookName(territory, c.Now), MIME: "text/csv", Data: codebook.Bytes()}})
}
