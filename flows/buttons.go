package flows

// Button routes shared between the scheduler's messages and the beneficiary journeys: the
// session reminders and the labs screen issue the same RSVP buttons, handled in labs.go.
const (
	// ButtonRSVP answers whether the beneficiary comes to a lab session:
	// Data(ButtonRSVP, sessionID, RSVPYes) or Data(ButtonRSVP, sessionID, RSVPNo). Session
	// reminders carry both; the beneficiary journey records the answer (storage.SetRSVP),
	// re-plans the session's reminders (c.SessionChanged) and tells the tutor of a no.
	ButtonRSVP = "lr"
)

// RSVP answers: the third part of a ButtonRSVP payload, and the values storage keeps.
const (
	RSVPYes = "yes"
	RSVPNo  = "no"
)
