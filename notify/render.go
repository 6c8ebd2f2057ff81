package notify

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/insideaut/insidebot/storage"
)

// MapLink is where a session takes place as a web link: its map link when that is a web
// address (a platform refuses a whole message for a bad link), else a map search for its place.
func MapLink(s storage.Session) string {
	if u, err := url.Parse(strings.TrimSpace(s.MapURL)); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return u.String()
	}
	return "https://www.google.com/maps/search/?api=1&query=" + url.QueryEscape(s.Place)
}

// CountsByKey renders counts as "fr 6, en 5, it 3" (largest first), naming keys with label
// when set.
func CountsByKey(counts map[string]int, label func(string) string) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		if label != nil {
			name = label(k)
		}
		parts = append(parts, fmt.Sprintf("%s %d", name, counts[k]))
	}
	return strings.Join(parts, ", ")
}
