package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// checkAudience reads an audience typed by staff, limited to the territories they may reach.
func (c *Ctx) checkAudience(ctx context.Context, action, in string) (string, error) {
	low := strings.ToLower(strings.TrimSpace(in))
	scope := c.Actor.ScopeTerritory()
	kind, value, found := strings.Cut(low, ":")
	switch {
	case low == "all" || low == "tutti" || low == "*":
		return c.Actor.Everyone().String(), nil
	case found && kind == domain.AudienceLab:
		id, ok := parseID(value)
		if !ok {
			return "", badInput("coordform.bad_id", "Input", value)
		}
		if _, err := storage.LabByID(ctx, c.Tx, id); errors.Is(err, storage.ErrNotFound) {
			return "", badInput("labsadmin.no_lab", "Input", id)
		} else if err != nil {
			return "", err
		}
		return domain.Audience{Kind: domain.AudienceLab, Value: strconv.FormatInt(id, 10), Scope: scope}.String(), nil
	case found && kind == domain.AudienceSession:
		s, err := c.scopedSession(ctx, action, value)
		if err != nil {
			return "", err
		}
		return domain.Audience{Kind: domain.AudienceSession, Value: strconv.FormatInt(s.ID, 10)}.String(), nil
	case found && kind == domain.AudienceLang:
		lang := locales.Match(value)
		if lang == "" {
			return "", badInput("broadcast.bad_lang", "Input", value)
		}
		return domain.Audience{Kind: domain.AudienceLang, Value: lang, Scope: scope}.String(), nil
	case !found && len(low) == 2:
		if _, err := ParseTerritory(ctx, c.Tx, low); errors.Is(err, storage.ErrNotFound) {
			return "", badInput("broadcast.bad_audience", "Input", in)
		}
		code, err := c.checkTerritory(ctx, action, low)
		if err != nil {
			return "", err
		}
		return domain.Audience{Kind: domain.AudienceTerritory, Value: code}.String(), nil
	}
	return "", badInput("broadcast.bad_audience", "Input", in)
}

// audienceChoices offers everyone (of the sender's territory) and each territory they may
// reach.
func audienceChoices(ctx context.Context, c *Ctx, _ map[string]string) ([]choice, error) {
	all := choice{label: c.T("broadcast.all_button"), value: "all"}
	if t := c.Actor.ScopeTerritory(); t != "" {
		all.label = c.T("broadcast.all_button_territory", "Territory", t)
		return []choice{all}, nil
	}
	ts, err := c.territoryChoices(ctx)
	if err != nil {
		return nil, err
	}
	return append([]choice{all}, ts...), nil
}

// describeAudience says who an audience is, in l's language (domain.Audience.Describe).
func (e *Engine) describeAudience(ctx context.Context, q storage.Queryer, l *locales.Localizer, a domain.Audience) (string, error) {
	return a.Describe(ctx, q, l)
}
