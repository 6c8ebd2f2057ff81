package desk

import "net/http"

// contentSecurityPolicy allows the desk's own style sheet and scripts and nothing else: no
// inline script or style, no framing, forms only to the desk itself.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders puts the desk's headers on every response, whatever answers it: pages,
// refusals, redirects, the style sheet. Pages hold personal data, so nothing is stored by the
// browser or a proxy; the static files override that. A login link's token is in its URL:
// no-referrer keeps it out of any request the page makes.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
