package whatsapp

// The shapes of the Cloud API's send request (POST /{phone_number_id}/messages).

type message struct {
	MessagingProduct string       `json:"messaging_product"`
	RecipientType    string       `json:"recipient_type,omitempty"`
	To               string       `json:"to,omitempty"`        // a phone number
	Recipient        string       `json:"recipient,omitempty"` // or a business-scoped user id
	Type             string       `json:"type"`
	Text             *textBody    `json:"text,omitempty"`
	Interactive      *interactive `json:"interactive,omitempty"`
	Image            *mediaRef    `json:"image,omitempty"`
	Document         *mediaRef    `json:"document,omitempty"`
	Audio            *mediaRef    `json:"audio,omitempty"`
	Video            *mediaRef    `json:"video,omitempty"`
	Template         *templateRef `json:"template,omitempty"`
}

type textBody struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url,omitempty"`
}

type interactive struct {
	Type   string  `json:"type"` // button, list, cta_url
	Body   bodyRef `json:"body"`
	Action action  `json:"action"`
}

type bodyRef struct {
	Text string `json:"text"`
}

type action struct {
	Buttons    []replyButton `json:"buttons,omitempty"`
	Button     string        `json:"button,omitempty"` // the list's button label
	Sections   []section     `json:"sections,omitempty"`
	Name       string        `json:"name,omitempty"` // cta_url
	Parameters *ctaURL       `json:"parameters,omitempty"`
}

type replyButton struct {
	Type  string `json:"type"` // reply
	Reply reply  `json:"reply"`
}

type reply struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type section struct {
	Title string `json:"title,omitempty"`
	Rows  []row  `json:"rows"`
}

type row struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type ctaURL struct {
	DisplayText string `json:"display_text"`
	URL         string `json:"url"`
}

type mediaRef struct {
	ID       string `json:"id"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

type templateRef struct {
	Name       string      `json:"name"`
	Language   language    `json:"language"`
	Components []component `json:"components,omitempty"`
}

type language struct {
	Code string `json:"code"`
}

type component struct {
	Type       string      `json:"type"` // body
	Parameters []parameter `json:"parameters"`
}

type parameter struct {
	Type string `json:"type"` // text
	Text string `json:"text"`
}
