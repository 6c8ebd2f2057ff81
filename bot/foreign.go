package bot

// Foreign is a part of a message's text that a person wrote in a language the recipient may
// not read (a tutor's message, a free step title, a lead, a broadcast without a version in the
// recipient's language). The text carries the original where the part belongs; the outbox
// translates it just before sending, outside any transaction, and shows the translation,
// marked, with the original below (or beside it, Inline). A message whose translation fails
// or is not available goes exactly as it was queued.
type Foreign struct {
	Text string `json:"text"`           // the original, as it appears in Outgoing.Text
	From string `json:"from,omitempty"` // its language; "": the translation server detects it
	To   string `json:"to,omitempty"`   // the language to show it in; "": the message's (Outgoing.Lang)
	// Inline parts (a title in a list or a sentence) read "translation (original)", and the
	// message ends with Marker once; the others become Marker, the translation and, below,
	// the original.
	Inline bool   `json:"inline,omitempty"`
	Marker string `json:"marker,omitempty"` // "🔁 automatic translation" in the recipient's words
}
