package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Every --help exits 0 with its usage on stdout; a bad flag or command is printed once and
// exits 2.
func TestHelpAndUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"help"},
		{"serve", "--help"}, {"serve", "-h"}, {"--demo", "--help"},
		{"migrate", "--help"}, {"healthcheck", "--help"},
		{"invite", "--help"}, {"invite", "--role", "tutor", "-h"},
		{"import", "--help"}, {"import", "leads", "--help"},
		{"export", "--help"}, {"export", "research", "--help"},
		{"desk-link", "--help"}, {"desk-link", "--staff", "3", "-h"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, envOf(nil), &stdout, &stderr)
		if code := exitCode(err, &stderr); code != 0 || !strings.Contains(stdout.String(), "insidebot") || stderr.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 0 and the usage on stdout", args, code, stdout.String(), stderr.String())
		}
	}
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"serve", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"--nope"}, "flag provided but not defined: -nope"},
		{[]string{"invite", "--tutor", "x"}, `invalid value "x" for flag -tutor`},
		{[]string{"import", "leads", "--lang"}, "flag needs an argument: -lang"},
		{[]string{"export", "research", "--outt", "x"}, "flag provided but not defined: -outt"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"migrate", "now"}, "migrate takes no arguments"},
		{[]string{"healthcheck", "x"}, "healthcheck takes no arguments"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"desk-link"}, "--staff <id> is required"},
		{[]string{"desk-link", "--staff", "x"}, `invalid value "x" for flag -staff`},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), c.args, envOf(nil), &stdout, &stderr)
		code := exitCode(err, &stderr)
		if code != 2 || strings.Count(stderr.String(), c.says) != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q printed once", c.args, code, stderr.String(), c.says)
		}
	}
	// Anything else that fails exits 1, printed once.
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve"}, envOf(map[string]string{"LOG_FORMAT": "xml"}), &bytes.Buffer{}, &stderr)
	if code := exitCode(err, &stderr); code != 1 || strings.Count(stderr.String(), "LOG_FORMAT") != 1 {
		t.Errorf("bad configuration: exit %d, stderr %q", code, stderr.String())
	}
}
