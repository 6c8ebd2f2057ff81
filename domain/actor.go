package domain

import (
	"database/sql"

	"github.com/insideaut/insidebot/storage"
)

// Role is who is talking to the bot, as a bit so a route can allow several.
type Role uint8

// Roles.
const (
	RoleAnonymous   Role = 1 << iota // not linked to anyone yet
	RoleBeneficiary                  // an onboarded (or onboarding) beneficiary
	RoleTutor
	RoleCoordinator
	RoleAdmin
	// RoleOperator is a reception-centre operator: they see their centre's people, propose
	// steps and write to the tutors, and change no case. Not part of Staff: a route open to
	// Staff is closed to operators unless it names them.
	RoleOperator

	// Staff is every role that follows cases: tutors, coordinators, admins.
	Staff = RoleTutor | RoleCoordinator | RoleAdmin
	// Coordinators are coordinators and admins.
	Coordinators = RoleCoordinator | RoleAdmin
	// Anyone is every role, linked or not.
	Anyone = RoleAnonymous | RoleBeneficiary | Staff | RoleOperator
)

func (r Role) String() string {
	switch r {
	case RoleAnonymous:
		return "anonymous"
	case RoleBeneficiary:
		return "beneficiary"
	case RoleTutor:
		return storage.RoleTutor
	case RoleCoordinator:
		return storage.RoleCoordinator
	case RoleAdmin:
		return storage.RoleAdmin
	case RoleOperator:
		return storage.RoleOperator
	}
	return "mixed"
}

// Has tells whether r includes role.
func (r Role) Has(role Role) bool { return r&role != 0 }

// Actor is the person behind an action, as far as the bot knows them. The zero Actor is the
// system (the scheduler, the importer) in the audit log and anonymous to the policy.
type Actor struct {
	Identity    *storage.Identity    // nil when the account is not linked
	Beneficiary *storage.Beneficiary // set for a beneficiary
	Staff       *storage.Staff       // set for a staff member
	// CLI is the operator at the command line (insidebot invite, import): the audit log names
	// them as such, and they may do what the command does.
	CLI bool
}

// Role is the actor's role.
func (a Actor) Role() Role {
	switch {
	case a.Staff != nil:
		switch a.Staff.Role {
		case storage.RoleAdmin:
			return RoleAdmin
		case storage.RoleCoordinator:
			return RoleCoordinator
		case storage.RoleOperator:
			return RoleOperator
		default:
			return RoleTutor
		}
	case a.Beneficiary != nil:
		return RoleBeneficiary
	}
	return RoleAnonymous
}

// StaffID is the acting staff member's id (0 for anyone else).
func (a Actor) StaffID() int64 {
	if a.Staff == nil {
		return 0
	}
	return a.Staff.ID
}

// AuditActor is how the audit log names the actor.
func (a Actor) AuditActor() (string, sql.NullInt64) {
	switch {
	case a.Staff != nil:
		return storage.ActorStaff, sql.NullInt64{Int64: a.Staff.ID, Valid: true}
	case a.Beneficiary != nil:
		return storage.ActorBeneficiary, sql.NullInt64{Int64: a.Beneficiary.ID, Valid: true}
	case a.CLI:
		return storage.ActorCLI, sql.NullInt64{}
	}
	return storage.ActorSystem, sql.NullInt64{}
}
