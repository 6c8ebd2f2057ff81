package flows

import "github.com/insideaut/insidebot/domain"

// coordRoutes are the coordinators' commands (labs, sessions, enrolments, broadcasts, figures,
// the research export), their buttons and the steps of their guided forms. Coordinators act
// in their territory (all of them when they have none), admins everywhere; /labs is open to
// every staff member (tutors need session ids for /attendance).
func (e *Engine) coordRoutes() []Route {
	return []Route{
		{Command: "labs", Roles: domain.Staff, Help: "labsadmin.help_labs", Handle: e.handleLabs},
		{Command: "lab", Roles: domain.Coordinators, Help: "labsadmin.help_lab", Handle: e.handleLab},
		{Command: "module", Roles: domain.Coordinators, Help: "labsadmin.help_module", Handle: e.handleModule},
		{Command: "session", Roles: domain.Coordinators, Help: "session.help", Handle: e.handleSession},
		{Command: "enrol", Roles: domain.Coordinators, Help: "enrol.help", Handle: e.handleEnrol},
		{Command: "broadcast", Roles: domain.Coordinators, Help: "broadcast.help", Handle: e.handleBroadcast},
		{Command: "broadcasts", Roles: domain.Coordinators, Help: "broadcast.help_list", Handle: e.handleBroadcasts},
		{Command: "stats", Roles: domain.Coordinators, Help: "stats.help", Handle: e.handleStats},
		{Command: "export", Roles: domain.Coordinators, Help: "export.help", Handle: e.handleExport},

		{Button: buttonFormValue, Roles: domain.Coordinators, Handle: e.handleFormButton},
		{Button: buttonFormStart, Roles: domain.Coordinators, Handle: e.handleFormStart},
		{Button: buttonFormCancel, Roles: domain.Coordinators, Handle: e.cancelForm},
		{Button: buttonBroadcastConfirm, Roles: domain.Coordinators, Handle: e.handleBroadcastConfirm},
		{Button: buttonBroadcastSchedule, Roles: domain.Coordinators, Handle: e.handleBroadcastSchedule},
		{Button: buttonBroadcastTranslate, Roles: domain.Coordinators, Handle: e.handleBroadcastTranslate},
		{Button: buttonBroadcastLang, Roles: domain.Coordinators, Handle: e.handleBroadcastLang},
		{Button: buttonBroadcastCancel, Roles: domain.Coordinators, Handle: e.handleBroadcastCancel},
		{Button: buttonStats, Roles: domain.Coordinators, Handle: e.handleStatsButton},
		{Button: buttonSessionCancelConfirm, Roles: domain.Coordinators, Handle: e.handleSessionCancelConfirm},
		{Button: buttonEnrolOverConfirm, Roles: domain.Coordinators, Handle: e.handleEnrolOverConfirm},

		{Step: stepCoordForm, Roles: domain.Coordinators, Action: "form", Handle: e.handleFormText},
		{Step: stepBroadcastWhen, Roles: domain.Coordinators, Action: "broadcast schedule", Handle: e.handleBroadcastWhen},
		{Step: stepBroadcastVersion, Roles: domain.Coordinators, Action: "broadcast version", Handle: e.handleBroadcastVersion},
	}
}
