package domain

import "github.com/insideaut/insidebot/storage"

// The policy: which roles may use a screen is the conversations' route table (flows); which
// records an actor may act on is here, and nowhere else. Every action of this package checks
// it, and a refusal is audited (Refuse).

// CanSeeBeneficiary is the one rule for which beneficiaries a person may see and act on:
// a beneficiary only themselves; a tutor those assigned to them; a coordinator those of their
// territory (all when they have none); an admin everyone. An operator sees the people of their
// reception centre (CanSeeInCentre) but acts on none: for them it is false.
func (a Actor) CanSeeBeneficiary(b storage.Beneficiary) bool {
	switch a.Role() {
	case RoleBeneficiary:
		return a.Beneficiary.ID == b.ID
	case RoleTutor:
		return b.TutorID.Valid && b.TutorID.Int64 == a.Staff.ID
	case RoleCoordinator:
		return !a.Staff.Territory.Valid || a.Staff.Territory.String == b.Territory
	case RoleAdmin:
		return true
	}
	return false
}

// CanSeeInCentre tells whether an operator may see a beneficiary: one of their own reception
// centre, not erased. Operators see code, name, plan, outcomes and case status; never the
// conversation with the tutor or self-assessment answers.
func (a Actor) CanSeeInCentre(b storage.Beneficiary) bool {
	return a.Role() == RoleOperator && a.Staff.CentreID.Valid && b.CentreID.Valid &&
		a.Staff.CentreID.Int64 == b.CentreID.Int64 && b.Status != storage.BeneficiaryErased
}

// CanUseTerritory tells whether a staff member may act in a territory (create sessions,
// leads, broadcasts, invites there; see its sessions and leads): coordinators and tutors in
// their own, admins and all-territory coordinators everywhere.
func (a Actor) CanUseTerritory(code string) bool {
	if a.Staff == nil || a.Role() == RoleOperator {
		return false
	}
	if a.Role() == RoleAdmin || !a.Staff.Territory.Valid {
		return true
	}
	return a.Staff.Territory.String == code
}

// ScopeTerritory is the territory a staff member's lists are limited to: their own, or ""
// when they act on every territory (admins, staff without one). It is CanUseTerritory as a
// filter for storage queries.
func (a Actor) ScopeTerritory() string {
	if a.Staff == nil || a.Role() == RoleAdmin || !a.Staff.Territory.Valid {
		return ""
	}
	return a.Staff.Territory.String
}

// HomeTerritory is the staff member's own territory ("" when they have none): where what
// they create goes unless they pick another they may use.
func (a Actor) HomeTerritory() string {
	if a.Staff == nil || !a.Staff.Territory.Valid {
		return ""
	}
	return a.Staff.Territory.String
}

// IsCoordinator tells whether the actor is a coordinator or an admin: who may invite tutors
// and manage every broadcast of their scope.
func (a Actor) IsCoordinator() bool { return Coordinators.Has(a.Role()) }

// CanManageBroadcast tells whether the actor may change a broadcast: its author, or an admin.
func (a Actor) CanManageBroadcast(b storage.Broadcast) bool {
	return a.Staff != nil && (b.CreatedBy == a.Staff.ID || a.Role() == RoleAdmin)
}

// CaseloadFilter is whom "my beneficiaries" means: a tutor's own, a coordinator's territory,
// everyone for admins and all-territory coordinators. It is CanSeeBeneficiary as a filter
// for storage queries.
func (a Actor) CaseloadFilter() storage.CaseloadFilter {
	switch a.Role() {
	case RoleTutor:
		return storage.CaseloadFilter{TutorID: a.Staff.ID}
	case RoleCoordinator:
		if a.Staff.Territory.Valid {
			return storage.CaseloadFilter{Territory: a.Staff.Territory.String}
		}
	case RoleOperator:
		// An operator's own centre; one without a centre (or the filter's -1) sees nobody.
		if a.Staff.CentreID.Valid {
			return storage.CaseloadFilter{CentreID: a.Staff.CentreID.Int64}
		}
		return storage.CaseloadFilter{CentreID: -1}
	}
	return storage.CaseloadFilter{}
}

// CanManageCase tells whether a staff member may close, reopen or record outcomes of b's case:
// a tutor their own beneficiaries', a coordinator those of their territory, an admin any.
// Erased people have no case.
func (a Actor) CanManageCase(b storage.Beneficiary) bool {
	return a.Staff != nil && b.Status != storage.BeneficiaryErased && a.CanSeeBeneficiary(b)
}

// CanSeeBroadcast tells whether a coordinator or admin may see a broadcast and its report
// (the chat's /broadcasts, the desk's Broadcasts): their own, those of the staff of their
// territory (author is the broadcast's author), every one when they have no territory.
func (a Actor) CanSeeBroadcast(b storage.Broadcast, author storage.Staff) bool {
	if !a.IsCoordinator() {
		return false
	}
	scope := a.ScopeTerritory()
	return scope == "" || b.CreatedBy == a.Staff.ID || (author.Territory.Valid && author.Territory.String == scope)
}
