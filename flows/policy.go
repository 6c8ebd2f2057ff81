package flows

// routes is the authorization policy: every command, button and conversation step, with the
// roles that may use it. The router checks roles here and nowhere else; a route a role may
// not use is refused (staff) or treated as unknown input (everyone else), and audited.
// Which beneficiary or territory a staff member may act on is Actor.CanSeeBeneficiary and
// Actor.CanUseTerritory.
func (e *Engine) routes() []Route {
	var rs []Route
	rs = append(rs, e.coreRoutes()...)
	rs = append(rs, e.coordRoutes()...)
	return rs
}
