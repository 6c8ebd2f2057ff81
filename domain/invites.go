package domain

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// InviteRequest asks for a new person and their one-time invite code.
type InviteRequest struct {
	Role      string // beneficiary, tutor, coordinator, admin, operator
	Territory string // province code; required for beneficiaries, tutors and operators
	Centre    string // an operator's reception centre (found by name in the territory, or created)
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
	InviteURLs
}

// Links say where invites lead: the channels that are on and the public web chat.
type Links struct {
	BotUsername    string        // Telegram bot username, for t.me deep links; empty when Telegram is off
	WhatsAppNumber string        // the number people write to on WhatsApp (digits); empty when WhatsApp is off
	PublicURL      string        // where the web chat is served
	InviteTTL      time.Duration // how long an invite code is valid
}

// InvitePerson validates a request, creates the beneficiary or pending staff member and an
// invite for them, and audits it, in q (one transaction). The command line (CLI actor) may
// invite anyone; a staff member invites beneficiaries of a territory they may use (as their
// tutor), and coordinators and admins invite tutors there too. Anyone else is refused
// (ErrDenied, audited).
func InvitePerson(ctx context.Context, q storage.Queryer, now time.Time, a Actor, req InviteRequest, set Links) (Invitation, error) {
	typedLang := req.Lang
	if !a.CLI {
		action := "/invite"
		role := strings.ToLower(strings.TrimSpace(req.Role))
		if role == storage.RoleTutor || role == storage.RoleOperator {
			action = "/invite " + role
		}
		territory := strings.ToUpper(strings.TrimSpace(req.Territory))
		allowed := a.Staff != nil && a.CanUseTerritory(territory) &&
			(role == "beneficiary" && req.TutorID == a.Staff.ID ||
				(role == storage.RoleTutor || role == storage.RoleOperator) && a.IsCoordinator())
		if !allowed {
			if err := Refuse(ctx, q, now, a, action, "territory", territory, ""); err != nil {
				return Invitation{}, err
			}
			return Invitation{}, ErrDenied
		}
	}
	req.Role = strings.ToLower(strings.TrimSpace(req.Role))
	req.Territory = strings.ToUpper(strings.TrimSpace(req.Territory))
	switch req.Role {
	case "beneficiary", storage.RoleTutor, storage.RoleCoordinator, storage.RoleAdmin, storage.RoleOperator:
	default:
		return Invitation{}, &InviteError{Field: "role", Reason: fmt.Sprintf("%q is not a role (beneficiary, tutor, coordinator, admin, operator)", req.Role)}
	}
	req.Centre = storage.CentreName(req.Centre)
	if req.Role == storage.RoleOperator && req.Centre == "" {
		return Invitation{}, &InviteError{Field: "centre", Reason: "an operator needs the name of their reception centre"}
	}
	if req.Territory != "" {
		if _, err := storage.TerritoryByCode(ctx, q, req.Territory); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				return Invitation{}, &InviteError{Field: "territory", Reason: fmt.Sprintf("%q is not a project territory (AN, AV, BO, FG, MI, PG, RG, SO, VA)", req.Territory)}
			}
			return Invitation{}, err
		}
	} else if req.Role == "beneficiary" || req.Role == storage.RoleTutor || req.Role == storage.RoleOperator {
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
		ns := storage.NewStaff{DisplayName: req.Name, Role: req.Role, Territory: req.Territory, Lang: lang}
		if req.Role == storage.RoleOperator {
			centre, err := storage.EnsureCentre(ctx, q, req.Territory, req.Centre, now)
			if err != nil {
				return Invitation{}, err
			}
			ns.CentreID = centre.ID
		}
		id, err := storage.CreateStaff(ctx, q, ns, now)
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
	inv.InviteURLs = InviteLinks(set, code)
	return inv, auditInvite(ctx, q, now, a, inv, req, typedLang)
}

// auditInvite records an invitation: from the command line as "invite" of the person's role;
// from a staff member as "/invite" (with the language they chose) or "/invite tutor" (with the
// territory).
func auditInvite(ctx context.Context, q storage.Queryer, now time.Time, a Actor, inv Invitation, req InviteRequest, typedLang string) error {
	id := strconv.FormatInt(inv.PersonID, 10)
	switch {
	case a.CLI:
		return Audit(ctx, q, now, a, "invite", inv.Role, id, "")
	case inv.Role == storage.RoleTutor, inv.Role == storage.RoleOperator:
		return Audit(ctx, q, now, a, "/invite "+inv.Role, "staff", id, "territory="+req.Territory)
	}
	return Audit(ctx, q, now, a, "/invite", "beneficiary", id, "lang="+typedLang)
}

// InviteURLs are the links that carry an invite code, one per channel that is on: the web
// chat's always, Telegram's deep link and WhatsApp's click-to-chat link (the code as the
// message it opens with) when those channels are configured.
type InviteURLs struct {
	TelegramLink string // https://t.me/<bot>?start=<code>, or empty
	WhatsAppLink string // https://wa.me/<number>?text=<code>, or empty
	WebchatLink  string // <PUBLIC_URL>/?invite=<code>
}

// InviteLinks are the links of the configured channels that carry an invite code.
func InviteLinks(set Links, code string) InviteURLs {
	u := InviteURLs{WebchatLink: strings.TrimRight(set.PublicURL, "/") + "/?invite=" + url.QueryEscape(code)}
	if set.BotUsername != "" {
		u.TelegramLink = "https://t.me/" + url.PathEscape(set.BotUsername) + "?start=" + url.QueryEscape(code)
	}
	if set.WhatsAppNumber != "" {
		u.WhatsAppLink = "https://wa.me/" + url.PathEscape(set.WhatsAppNumber) + "?text=" + url.QueryEscape(code)
	}
	return u
}

// QRLink is the link an invite's QR code shows: Telegram's deep link when Telegram is on (it
// starts the bot with the code), else WhatsApp's click-to-chat link, else the web chat's.
func (u InviteURLs) QRLink() string {
	for _, l := range []string{u.TelegramLink, u.WhatsAppLink} {
		if l != "" {
			return l
		}
	}
	return u.WebchatLink
}
