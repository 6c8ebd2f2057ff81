package notify

// Buttons that messages sent unasked carry (reminders, alerts, a tutor's message), handled by
// the conversations: the payload names are shared between who sends and who answers.
const (
	// ButtonRSVP answers whether the beneficiary comes to a lab session:
	// Data(ButtonRSVP, sessionID, RSVPYes) or Data(ButtonRSVP, sessionID, RSVPNo). Session
	// reminders and the labs screen carry both; the beneficiary journey records the answer.
	ButtonRSVP = "lr"
	// ButtonMyTutor opens the beneficiary's conversation with their tutor: Data(ButtonMyTutor).
	ButtonMyTutor = "mt"
	// ButtonAlertOpen opens the beneficiary card of an alert: Data(ButtonAlertOpen, alertID).
	ButtonAlertOpen = "ao"
	// ButtonAlertReply starts a reply to the beneficiary of an alert: Data(ButtonAlertReply, alertID).
	ButtonAlertReply = "ar"
)

// RSVP answers: the third part of a ButtonRSVP payload, and the values storage keeps.
const (
	RSVPYes = "yes"
	RSVPNo  = "no"
)
