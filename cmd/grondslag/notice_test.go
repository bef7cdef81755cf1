package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestKennisgevingRefusesWithoutMailOrPortal(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{}, []string{"kennisgeving", "versturen", "--dag", "2026-03-02"}, "--portaal ontbreekt"},
		{map[string]string{"GRONDSLAG_PORTAAL": "https://x.example"}, []string{"kennisgeving", "versturen"}, "geen mailserver ingesteld"},
		{map[string]string{"GRONDSLAG_PORTAAL": "https://x.example", "GRONDSLAG_SMTP_ADRES": "mail.example:25", "GRONDSLAG_SMTP_BEVEILIGING": "geen", "GRONDSLAG_SMTP_AFZENDER": "a@b.example"},
			[]string{"kennisgeving", "versturen"}, "zonder TLS"},
		{map[string]string{}, []string{"kennisgeving", "versturen", "--dag", "2-3-2026x"}, "--dag"},
		{map[string]string{}, []string{"kennisgeving", "uitstellen", "--tot", "2026-03-06", "--door", "iemand"}, "--door"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), env{args: tt.args, stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return tt.env[k] }})
		if code != 2 || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q", tt.args, code, errb.String())
		}
	}
}
