package domain

import (
	"context"
	"strconv"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Everyone is the audience "everyone" of an actor: every beneficiary, or those of the one
// territory the actor may reach.
func (a Actor) Everyone() Audience {
	if t := a.ScopeTerritory(); t != "" {
		return Audience{Kind: AudienceTerritory, Value: t}
	}
	return Audience{Kind: AudienceAll}
}

// Describe says who an audience is, in l's language (the chat's preview and list, the desk).
func (a Audience) Describe(ctx context.Context, q storage.Queryer, l *locales.Localizer) (string, error) {
	var s string
	switch a.Kind {
	case AudienceAll:
		s = l.T("broadcast.audience_all")
	case AudienceTerritory:
		s = l.T("broadcast.audience_territory", "Territory", a.Value)
	case AudienceLab:
		id, _ := strconv.ParseInt(a.Value, 10, 64)
		lab, err := storage.LabByID(ctx, q, id)
		if err != nil {
			return "", err
		}
		s = l.T("broadcast.audience_lab", "ID", lab.ID, "Name", lab.Name)
	case AudienceSession:
		s = l.T("broadcast.audience_session", "ID", a.Value)
	case AudienceLang:
		s = l.T("broadcast.audience_lang", "Lang", LanguageName(a.Value))
	}
	if a.Scope != "" {
		s = l.T("broadcast.audience_scoped", "Audience", s, "Territory", a.Scope)
	}
	return s, nil
}

// LanguageName is a language's own name ("Français"), or its code when the bot does not
// speak it.
func LanguageName(code string) string {
	for _, l := range locales.Languages() {
		if l.Code == code {
			return l.Native
		}
	}
	return code
}
