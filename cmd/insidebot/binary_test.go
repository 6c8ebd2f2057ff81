package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestDurationsAreReadable(t *testing.T) {
	var buf bytes.Buffer
	newLogger(&buf, "json", "info", nil).Info("waiting", "retry_after", 1500*time.Millisecond, slog.Group("g", "d", 250*time.Millisecond))
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	g, _ := line["g"].(map[string]any)
	if line["retry_after"] != "1.5s" || g["d"] != "250ms" {
		t.Fatalf("durations logged as %v and %v, want 1.5s and 250ms", line["retry_after"], g["d"])
	}
}

// buildBinary builds insidebot into a directory of the test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "insidebot")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// tcpProxy forwards connections to a Redis server and can be cut and restored on the same
// port: a Redis outage as the bot sees it.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func (p *tcpProxy) start() {
	p.t.Helper()
	var ln net.Listener
	var err error
	for try := 0; try < 100; try++ { // the port may linger a moment after a stop
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.ln.Close()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

// syncBuffer collects a process's output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls until cond holds (the test waits for a condition, not for a time).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func readyz(addr string) int {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// The real binary: --help exits 0 and a bad flag 2; with LOG_FORMAT=json every line it writes
// to stderr is JSON, go-redis's own lines included, through a Redis outage and its end.
func TestBinaryExitCodesAndJSONLogsThroughARedisOutage(t *testing.T) {
	bin := buildBinary(t)
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"--help"}, 0}, {[]string{"serve", "--help"}, 0}, {[]string{"import", "--help"}, 0},
		{[]string{"serve", "--nope"}, 2}, {[]string{"nope"}, 2},
	} {
		cmd := exec.Command(bin, c.args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.code {
			t.Errorf("insidebot %v exited %d, want %d\n%s", c.args, code, c.code, stderr.String())
		}
		if c.code == 2 && strings.Count(stderr.String(), "nope") != 1 {
			t.Errorf("insidebot %v: the error is not printed once:\n%s", c.args, stderr.String())
		}
	}

	_, dbURL := storagetest.Postgres(t)
	ru, err := url.Parse(storagetest.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := &tcpProxy{t: t, addr: freeAddr(t), target: ru.Host}
	proxy.start()
	t.Cleanup(proxy.stop)
	proxied := *ru
	proxied.Host = proxy.addr
	httpAddr := freeAddr(t)
	prefix := fmt.Sprintf("test-jsonlogs-%d:", time.Now().UnixNano())
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "PRIVACY_CONTACT=privacy@example.org", "DATABASE_URL="+dbURL, "REDIS_URL="+proxied.String(), "REDIS_PREFIX="+prefix, "MEDIA_KEY="+testMediaKey,
		"HTTP_ADDR="+httpAddr, "METRICS_ADDR="+freeAddr(t), "LOG_FORMAT=json", "LOG_LEVEL=debug",
		"SCHEDULER_INTERVAL=100ms", "DATA_DIR="+t.TempDir(), "TELEGRAM_BOT_TOKEN=", "WHATSAPP_ACCESS_TOKEN=", "WHATSAPP_PHONE_NUMBER_ID=",
		"PRIVACY_CONTACT=privacy@example.org")
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("stderr:\n%s", stderr.String())
		}
	})
	waitFor(t, "the bot ready", func() bool { return readyz(httpAddr) == http.StatusOK })

	proxy.stop() // Redis goes away
	waitFor(t, "/readyz saying Redis is away", func() bool { return readyz(httpAddr) == http.StatusServiceUnavailable })
	waitFor(t, "go-redis complaining", func() bool { return strings.Contains(stderr.String(), "failed to dial") })
	proxy.start() // and comes back
	waitFor(t, "the bot ready again", func() bool { return readyz(httpAddr) == http.StatusOK })

	_ = cmd.Process.Signal(os.Interrupt)
	if err := <-exited; err != nil {
		t.Fatalf("exit after SIGINT: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(stderr.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	lines, fromRedis := 0, 0
	for sc.Scan() {
		lines++
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Errorf("line %d is not JSON: %q", lines, sc.Text())
			continue
		}
		if m["component"] == "redis" {
			fromRedis++
		}
	}
	if lines < 5 || fromRedis == 0 {
		t.Fatalf("%d lines, %d from go-redis: the test saw too little", lines, fromRedis)
	}
}
