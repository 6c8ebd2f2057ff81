package domain

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/storage"
)

// Audience kinds of a broadcast.
const (
	AudienceAll       = "all"
	AudienceTerritory = "territory"
	AudienceLab       = "lab"
	AudienceSession   = "session"
	AudienceLang      = "lang"
)

// Audience is who a broadcast is for. It is stored in broadcasts.Audience as typed by staff
// ("all", "MI", "lab:3", "session:12", "lang:fr"), with "@MI" added when the sender may only
// reach one territory ("lab:3@MI"): a coordinator's "all" is their territory.
type Audience struct {
	Kind  string // AudienceAll, AudienceTerritory, AudienceLab, AudienceSession or AudienceLang
	Value string // the territory, lab id, session id or language
	Scope string // the one territory the sender may reach, "" for all
}

func (a Audience) String() string {
	var s string
	switch a.Kind {
	case AudienceAll:
		s = "all"
	case AudienceTerritory:
		s = a.Value
	default:
		s = a.Kind + ":" + a.Value
	}
	if a.Scope != "" && (a.Kind == AudienceLab || a.Kind == AudienceLang) {
		s += "@" + a.Scope
	}
	return s
}

// ParseAudience reads a stored Audience.
func ParseAudience(s string) (Audience, error) {
	body, scope, _ := strings.Cut(s, "@")
	kind, value, found := strings.Cut(body, ":")
	switch {
	case body == "all":
		return Audience{Kind: AudienceAll}, nil
	case !found && len(body) == 2:
		return Audience{Kind: AudienceTerritory, Value: body}, nil
	case found && (kind == AudienceLab || kind == AudienceSession || kind == AudienceLang) && value != "":
		return Audience{Kind: kind, Value: value, Scope: scope}, nil
	}
	return Audience{}, fmt.Errorf("broadcast Audience %q is not one the bot writes", s)
}

// Filter is the storage selection of the Audience.
func (a Audience) Filter() storage.AudienceFilter {
	f := storage.AudienceFilter{Territory: a.Scope}
	switch a.Kind {
	case AudienceTerritory:
		f.Territory = a.Value
	case AudienceLab:
		f.LabID, _ = strconv.ParseInt(a.Value, 10, 64)
	case AudienceSession:
		f.SessionID, _ = strconv.ParseInt(a.Value, 10, 64)
	case AudienceLang:
		f.Lang = a.Value
	}
	return f
}
