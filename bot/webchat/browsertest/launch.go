package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Launch starts a fresh headless Chromium (failing the test when it is missing) with a window
// of width × height CSS pixels and opens nothing yet: Open builds on it for the web chat, and
// other pages (the desk) use it with Do, Eval, WaitFor and SaveScreenshot.
func Launch(t *testing.T, width, height int64, opt ...Option) *Page {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Fatalf("Chromium is needed for the browser test and is missing (%v): make test installs it, or apt-get install chromium", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(int(width), int(height)),
	}
	var o options
	for _, f := range opt {
		f(&o)
	}
	if o.lang != "" {
		opts = append(opts, chromedp.Flag("lang", o.lang), chromedp.Flag("accept-lang", o.lang))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first call starts the browser, which lives as long as that call's context: no timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &Page{t: t, ctx: ctx}
}

// SaveScreenshot saves the whole page, beyond the window, as a PNG at path (its directory
// made if needed): for screenshots kept outside the test's artifacts, such as build/.
func (p *Page) SaveScreenshot(path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot %s", path)
}
