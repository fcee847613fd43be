package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode"

	"kotak/api"
)

// serverCommand is the frame of a command that talks to a server's unseal
// endpoints (kotak unseal request|reveal, kotak auditor approve|deny): a
// flag set with --server and --token that prints the command's usage text
// on -h (exit 0) and on misuse (exit 2), and errors as "name: message"
// (exit 1).
type serverCommand struct {
	*flag.FlagSet
	env           *cmdEnv
	name, usage   string
	server, token *string
}

func newServerCommand(env *cmdEnv, name, usage string) *serverCommand {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() { fmt.Fprint(env.stderr, usage) }
	return &serverCommand{FlagSet: fs, env: env, name: name, usage: usage,
		server: fs.String("server", "", ""), token: fs.String("token", "", "")}
}

// parse parses args; ok is false when the command must stop with code:
// after -h, a flag error, no --server, or when valid (the command's own
// checks of its arguments, run after parsing) is false.
func (c *serverCommand) parse(args []string, valid func() bool) (code int, ok bool) {
	if err := c.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if *c.server == "" || !valid() {
		fmt.Fprint(c.env.stderr, c.usage)
		return 2, false
	}
	return 0, true
}

// fail prints "name: message" on stderr and returns exit code 1.
func (c *serverCommand) fail(format string, a ...any) int {
	fmt.Fprintf(c.env.stderr, c.name+": "+format+"\n", a...)
	return 1
}

// client is the client for --server and --token (see newUnsealClient).
func (c *serverCommand) client() (*unsealClient, error) {
	return newUnsealClient(c.env, *c.server, *c.token)
}

// unsealClient talks to a kotak server's unseal endpoints for `kotak unseal`
// and `kotak auditor`.
type unsealClient struct {
	base  string
	token string
	hc    *http.Client
	ctx   context.Context
}

// maxAnswer bounds an answer: a sealed record is at most about 1 MiB,
// base64 makes it 1.4 MiB.
const maxAnswer = 8 << 20

var b64 = base64.StdEncoding.Strict()

// newUnsealClient checks the server URL and the token (the flag, else
// KOTAK_TOKEN).
func newUnsealClient(env *cmdEnv, server, token string) (*unsealClient, error) {
	if token == "" {
		token = os.Getenv("KOTAK_TOKEN")
	}
	if token == "" {
		return nil, errors.New("--token (or KOTAK_TOKEN) is required")
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("--server must be an http:// or https:// URL")
	}
	return &unsealClient{base: strings.TrimSuffix(server, "/"), token: token,
		hc: &http.Client{Timeout: time.Minute}, ctx: env.context()}, nil
}

// apiError is the server's error answer (the api package's error body),
// with the status it came with.
type apiError api.Error

func (e *apiError) Error() string {
	s := fmt.Sprintf("server answered %d %s: %s", e.Status, e.Code, e.Message)
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	return s
}

// call sends in (if not nil) as JSON and decodes a 2xx answer into out.
// Other answers are an *apiError.
func (c *unsealClient) call(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(c.ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer+1))
	if err != nil {
		return err
	}
	if len(raw) > maxAnswer {
		return errors.New("the server's answer is too large")
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		var e struct {
			Error apiError `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		e.Error.Status = res.StatusCode
		if e.Error.Code == "" {
			e.Error.Code, e.Error.Message = "error", http.StatusText(res.StatusCode)
		}
		return &e.Error
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("the server's answer is not the expected JSON: %w", err)
	}
	return nil
}

// requestPath is the path of request id (escaped: it comes from the user).
func requestPath(id string, tail string) string {
	return "/api/v1/unseal-requests/" + url.PathEscape(id) + tail
}

// printable makes server-supplied text safe for a terminal: control
// characters other than newline and tab (escape sequences included) are
// shown as U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' || r == unicode.ReplacementChar {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
