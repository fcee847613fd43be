// Command kotak is the complaint vault: server, key ceremony, auditor and
// officer tools, audit verification and backup.
//
// main only wires things together. Each subcommand lives in its own file and
// registers itself in commands from an init function.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand. run gets the arguments after the command's own
// name(s) and returns the process exit code.
type command struct {
	summary string
	run     func(env *cmdEnv, args []string) int
}

// cmdEnv carries what a subcommand may touch, so tests can run commands in-process.
type cmdEnv struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// ctx, when set, ends long-running commands (serve) like a signal does.
	ctx context.Context
}

// context returns env.ctx, or the background context.
func (env *cmdEnv) context() context.Context {
	if env.ctx != nil {
		return env.ctx
	}
	return context.Background()
}

// commands maps a command path ("keys init", "backup", ...) to its implementation.
var commands = map[string]command{}

func register(path string, c command) {
	if _, dup := commands[path]; dup {
		panic("kotak: command registered twice: " + path)
	}
	commands[path] = c
}

func main() {
	os.Exit(run(&cmdEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:]))
}

// run finds the longest registered command path that prefixes args.
func run(env *cmdEnv, args []string) int {
	for n := min(len(args), 3); n >= 1; n-- {
		if c, ok := commands[strings.Join(args[:n], " ")]; ok {
			return c.run(env, args[n:])
		}
	}
	if len(args) > 0 && args[0] != "help" && args[0] != "-h" && args[0] != "--help" {
		fmt.Fprintf(env.stderr, "kotak: unknown command %q\n\n", strings.Join(args, " "))
		usage(env.stderr)
		return 2
	}
	usage(env.stdout)
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: kotak <command> [flags]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-20s %s\n", name, commands[name].summary)
	}
}
