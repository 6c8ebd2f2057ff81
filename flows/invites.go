package flows

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// InviteRequest asks for a new person and their one-time invite code.
type InviteRequest struct {
	Role      string // beneficiary, tutor, coordinator, admin
	Territory string // province code; required for beneficiaries and tutors
	Lang      string // the person's language (default: en for beneficiaries, it for staff)
	TutorID   int64  // a beneficiary's tutor
	Name      string // optional display name
	CreatedBy int64  // staff id, or 0 from the command line
}

// InviteError is a request that cannot be granted; Field names what is wrong.
type InviteError struct {
	Field  string // role, territory, lang, tutor
	Reason string
}

func (e *InviteError) Error() string { return e.Field + ": " + e.Reason }

// Invitation is a created person with their code.
type Invitation struct {
	Code            string
	ExpiresAt       time.Time
	Role            string
	PersonID        int64  // beneficiary or staff id
	BeneficiaryCode string // for a beneficiary, such as MI-007
	TelegramLink    string
	WebchatLink     string
}

// InvitePerson validates a request, creates the beneficiary or pending staff member and an
// invite for them, in q (one transaction).
func InvitePerson(ctx context.Context, q storage.Queryer, req InviteRequest, set Settings, now time.Time) (Invitation, error) {
	req.Role = strings.ToLower(strings.TrimSpace(req.Role))
	req.Territory = strings.ToUpper(strings.TrimSpace(req.Territory))
	switch req.Role {
	case "beneficiary", storage.RoleTutor, storage.RoleCoordinator, storage.RoleAdmin:
	default:
		return Invitation{}, &InviteError{Field: "role", Reason: fmt.Sprintf("%q is not a role (beneficiary, tutor, coordinator, admin)", req.Role)}
	}
	if req.Territory != "" {
		if _, err := storage.TerritoryByCode(ctx, q, req.Territory); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				return Invitation{}, &InviteError{Field: "territory", Reason: fmt.Sprintf("%q is not a project territory (AN, AV, BO, FG, MI, PG, RG, SO, VA)", req.Territory)}
			}
			return Invitation{}, err
		}
	} else if req.Role == "beneficiary" || req.Role == storage.RoleTutor {
		return Invitation{}, &InviteError{Field: "territory", Reason: "a " + req.Role + " needs a territory (AN, AV, BO, FG, MI, PG, RG, SO, VA)"}
	}
	if req.Lang == "" {
		req.Lang = "en"
		if req.Role != "beneficiary" {
			req.Lang = "it"
		}
	}
	lang := locales.Match(req.Lang)
	if lang == "" {
		return Invitation{}, &InviteError{Field: "lang", Reason: fmt.Sprintf("%q is not a supported language (it, en, fr, ar, ur, bn, fa-AF, ps, ti, so)", req.Lang)}
	}
	inv := Invitation{Role: req.Role}
	ni := storage.NewInvite{Role: req.Role, CreatedBy: req.CreatedBy, TTL: set.InviteTTL}
	if req.Role == "beneficiary" {
		if req.TutorID != 0 {
			t, err := storage.StaffByID(ctx, q, req.TutorID)
			if errors.Is(err, storage.ErrNotFound) || (err == nil && t.Status == "disabled") {
				return Invitation{}, &InviteError{Field: "tutor", Reason: fmt.Sprintf("no staff member with id %d", req.TutorID)}
			}
			if err != nil {
				return Invitation{}, err
			}
		}
		b, err := storage.CreateBeneficiary(ctx, q, storage.NewBeneficiary{Territory: req.Territory, Lang: lang, TutorID: req.TutorID,
			DisplayName: req.Name}, now)
		if err != nil {
			return Invitation{}, err
		}
		inv.PersonID, inv.BeneficiaryCode, ni.BeneficiaryID = b.ID, b.Code, b.ID
	} else {
		id, err := storage.CreateStaff(ctx, q, storage.NewStaff{DisplayName: req.Name, Role: req.Role, Territory: req.Territory, Lang: lang}, now)
		if err != nil {
			return Invitation{}, err
		}
		inv.PersonID, ni.StaffID = id, id
	}
	code, created, err := storage.CreateInvite(ctx, q, ni, now)
	if err != nil {
		return Invitation{}, err
	}
	inv.Code, inv.ExpiresAt = code, created.ExpiresAt
	inv.TelegramLink, inv.WebchatLink = InviteLinks(set, code)
	return inv, nil
}

// InviteLinks are the Telegram deep link and the web-chat link that carry an invite code.
func InviteLinks(set Settings, code string) (telegram, webchat string) {
	telegram = "https://t.me/" + set.BotUsername + "?start=" + url.QueryEscape(code)
	webchat = strings.TrimRight(set.PublicURL, "/") + "/?invite=" + url.QueryEscape(code)
	return telegram, webchat
}
