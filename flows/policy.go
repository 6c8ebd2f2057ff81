package flows

// routes is the authorization policy: every command, button and conversation step, with the
// roles that may use it. The router checks roles here and nowhere else; a route a role may
// not use is refused (staff) or treated as unknown input (everyone else), and audited.
// Which beneficiary or territory a staff member may act on is Actor.CanSeeBeneficiary and
// Actor.CanUseTerritory.
func (e *Engine) routes() []Route {
	var rs []Route
	rs = append(rs, e.coreRoutes()...)
	rs = append(rs, e.onboardingRoutes()...) // /start, invite codes, language, notice, consents
	rs = append(rs, e.menuRoutes()...)       // beneficiary menu, fallback, media
	rs = append(rs, e.planRoutes()...)       // my plan
	rs = append(rs, e.leadRoutes()...)       // housing and jobs
	rs = append(rs, e.labRoutes()...)        // labs: sessions, RSVP, enrolment
	rs = append(rs, e.tutorChatRoutes()...)  // my tutor
	rs = append(rs, e.languageRoutes()...)   // language
	rs = append(rs, e.privacyRoutes()...)    // privacy: my data, consents, erasure
	rs = append(rs, e.assessmentRoutes()...) // the self-assessment's answers
	rs = append(rs, e.stopRoutes()...)       // STOP / START
	rs = append(rs, e.helpRoutes()...)       // help and contacts
	rs = append(rs, e.eventRoutes()...)      // blocked / unblocked
	rs = append(rs, e.deskRoutes()...)       // /desk: the web desk's sign-in link, /desk logout
	rs = append(rs, e.tutorRoutes()...)
	rs = append(rs, e.coordRoutes()...)
	rs = append(rs, e.caseRoutes()...)     // case lifecycle: close, reopen, reassign, deactivate
	rs = append(rs, e.outcomeRoutes()...)  // outcomes: housing, work, training, documents
	rs = append(rs, e.operatorRoutes()...) // reception-centre operators; the tutor's answer to a proposal
	return rs
}
