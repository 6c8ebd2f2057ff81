package flows

// coordRoutes are the coordinators' commands (labs, sessions, enrolments, broadcasts, figures,
// the research export), their buttons and the steps of their guided forms. Coordinators act
// in their territory (all of them when they have none), admins everywhere; /labs is open to
// every staff member (tutors need session ids for /attendance).
func (e *Engine) coordRoutes() []Route {
	return []Route{
		{Command: "labs", Roles: Staff, Help: "labsadmin.help_labs", Handle: e.handleLabs},
		{Command: "lab", Roles: Coordinators, Help: "labsadmin.help_lab", Handle: e.handleLab},
		{Command: "module", Roles: Coordinators, Help: "labsadmin.help_module", Handle: e.handleModule},
		{Command: "session", Roles: Coordinators, Help: "session.help", Handle: e.handleSession},
		{Command: "enrol", Roles: Coordinators, Help: "enrol.help", Handle: e.handleEnrol},
		{Command: "broadcast", Roles: Coordinators, Help: "broadcast.help", Handle: e.handleBroadcast},
		{Command: "broadcasts", Roles: Coordinators, Help: "broadcast.help_list", Handle: e.handleBroadcasts},
		{Command: "stats", Roles: Coordinators, Help: "stats.help", Handle: e.handleStats},
		{Command: "export", Roles: Coordinators, Help: "export.help", Handle: e.handleExport},

		{Button: buttonFormValue, Roles: Coordinators, Handle: e.handleFormButton},
		{Button: buttonFormStart, Roles: Coordinators, Handle: e.handleFormStart},
		{Button: buttonFormCancel, Roles: Coordinators, Handle: e.cancelForm},
		{Button: buttonBroadcastConfirm, Roles: Coordinators, Handle: e.handleBroadcastConfirm},
		{Button: buttonBroadcastSchedule, Roles: Coordinators, Handle: e.handleBroadcastSchedule},
		{Button: buttonBroadcastTranslate, Roles: Coordinators, Handle: e.handleBroadcastTranslate},
		{Button: buttonBroadcastLang, Roles: Coordinators, Handle: e.handleBroadcastLang},
		{Button: buttonBroadcastCancel, Roles: Coordinators, Handle: e.handleBroadcastCancel},
		{Button: buttonStats, Roles: Coordinators, Handle: e.handleStatsButton},
		{Button: buttonSessionCancelConfirm, Roles: Coordinators, Handle: e.handleSessionCancelConfirm},
		{Button: buttonEnrolOverConfirm, Roles: Coordinators, Handle: e.handleEnrolOverConfirm},

		{Step: stepCoordForm, Roles: Coordinators, Action: "form", Handle: e.handleFormText},
		{Step: stepBroadcastWhen, Roles: Coordinators, Action: "broadcast schedule", Handle: e.handleBroadcastWhen},
		{Step: stepBroadcastVersion, Roles: Coordinators, Action: "broadcast version", Handle: e.handleBroadcastVersion},
	}
}
