package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Audience kinds of a broadcast.
const (
	audienceAll       = "all"
	audienceTerritory = "territory"
	audienceLab       = "lab"
	audienceSession   = "session"
	audienceLang      = "lang"
)

// audience is who a broadcast is for. It is stored in broadcasts.audience as typed by staff
// ("all", "MI", "lab:3", "session:12", "lang:fr"), with "@MI" added when the sender may only
// reach one territory ("lab:3@MI"): a coordinator's "all" is their territory.
type audience struct {
	kind  string
	value string
	scope string
}

func (a audience) String() string {
	var s string
	switch a.kind {
	case audienceAll:
		s = "all"
	case audienceTerritory:
		s = a.value
	default:
		s = a.kind + ":" + a.value
	}
	if a.scope != "" && (a.kind == audienceLab || a.kind == audienceLang) {
		s += "@" + a.scope
	}
	return s
}

// parseAudience reads a stored audience.
func parseAudience(s string) (audience, error) {
	body, scope, _ := strings.Cut(s, "@")
	kind, value, found := strings.Cut(body, ":")
	switch {
	case body == "all":
		return audience{kind: audienceAll}, nil
	case !found && len(body) == 2:
		return audience{kind: audienceTerritory, value: body}, nil
	case found && (kind == audienceLab || kind == audienceSession || kind == audienceLang) && value != "":
		return audience{kind: kind, value: value, scope: scope}, nil
	}
	return audience{}, fmt.Errorf("broadcast audience %q is not one the bot writes", s)
}

// filter is the storage selection of the audience.
func (a audience) filter() storage.AudienceFilter {
	f := storage.AudienceFilter{Territory: a.scope}
	switch a.kind {
	case audienceTerritory:
		f.Territory = a.value
	case audienceLab:
		f.LabID, _ = strconv.ParseInt(a.value, 10, 64)
	case audienceSession:
		f.SessionID, _ = strconv.ParseInt(a.value, 10, 64)
	case audienceLang:
		f.Lang = a.value
	}
	return f
}

// checkAudience reads an audience typed by staff, limited to the territories they may reach.
func (c *Ctx) checkAudience(ctx context.Context, action, in string) (string, error) {
	low := strings.ToLower(strings.TrimSpace(in))
	scope := c.scopeTerritory()
	kind, value, found := strings.Cut(low, ":")
	switch {
	case low == "all" || low == "tutti" || low == "*":
		if scope != "" {
			return audience{kind: audienceTerritory, value: scope}.String(), nil
		}
		return audience{kind: audienceAll}.String(), nil
	case found && kind == audienceLab:
		id, ok := parseID(value)
		if !ok {
			return "", badInput("coordform.bad_id", "Input", value)
		}
		if _, err := storage.LabByID(ctx, c.Tx, id); errors.Is(err, storage.ErrNotFound) {
			return "", badInput("labsadmin.no_lab", "Input", id)
		} else if err != nil {
			return "", err
		}
		return audience{kind: audienceLab, value: strconv.FormatInt(id, 10), scope: scope}.String(), nil
	case found && kind == audienceSession:
		s, err := c.scopedSession(ctx, action, value)
		if err != nil {
			return "", err
		}
		return audience{kind: audienceSession, value: strconv.FormatInt(s.ID, 10)}.String(), nil
	case found && kind == audienceLang:
		lang := locales.Match(value)
		if lang == "" {
			return "", badInput("broadcast.bad_lang", "Input", value)
		}
		return audience{kind: audienceLang, value: lang, scope: scope}.String(), nil
	case !found && len(low) == 2:
		if _, err := ParseTerritory(ctx, c.Tx, low); errors.Is(err, storage.ErrNotFound) {
			return "", badInput("broadcast.bad_audience", "Input", in)
		}
		code, err := c.checkTerritory(ctx, action, low)
		if err != nil {
			return "", err
		}
		return audience{kind: audienceTerritory, value: code}.String(), nil
	}
	return "", badInput("broadcast.bad_audience", "Input", in)
}

// audienceChoices offers everyone (of the sender's territory) and each territory they may
// reach.
func audienceChoices(ctx context.Context, c *Ctx, _ map[string]string) ([]choice, error) {
	all := choice{label: c.T("broadcast.all_button"), value: "all"}
	if t := c.scopeTerritory(); t != "" {
		all.label = c.T("broadcast.all_button_territory", "Territory", t)
		return []choice{all}, nil
	}
	ts, err := c.territoryChoices(ctx)
	if err != nil {
		return nil, err
	}
	return append([]choice{all}, ts...), nil
}

// describe says who an audience is, in l's language.
func (e *Engine) describeAudience(ctx context.Context, q storage.Queryer, l *locales.Localizer, a audience) (string, error) {
	var s string
	switch a.kind {
	case audienceAll:
		s = l.T("broadcast.audience_all")
	case audienceTerritory:
		s = l.T("broadcast.audience_territory", "Territory", a.value)
	case audienceLab:
		id, _ := strconv.ParseInt(a.value, 10, 64)
		lab, err := storage.LabByID(ctx, q, id)
		if err != nil {
			return "", err
		}
		s = l.T("broadcast.audience_lab", "ID", lab.ID, "Name", lab.Name)
	case audienceSession:
		s = l.T("broadcast.audience_session", "ID", a.value)
	case audienceLang:
		name := a.value
		if lang, ok := e.cat.Lang(a.value); ok {
			name = lang.Native
		}
		s = l.T("broadcast.audience_lang", "Lang", name)
	}
	if a.scope != "" {
		s = l.T("broadcast.audience_scoped", "Audience", s, "Territory", a.scope)
	}
	return s, nil
}
