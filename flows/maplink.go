package flows

import (
	"net/url"
	"strings"

	"github.com/insideaut/insidebot/storage"
)

// mapLink is where a session takes place as a web link: its map link when that is a web
// address (a platform refuses a whole message for a bad link), else a map search for its place.
func mapLink(s storage.Session) string {
	if u, err := url.Parse(strings.TrimSpace(s.MapURL)); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return u.String()
	}
	return "https://www.google.com/maps/search/?api=1&query=" + url.QueryEscape(s.Place)
}
