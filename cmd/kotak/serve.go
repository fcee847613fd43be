package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"kotak/api"
	"kotak/keys"
	"kotak/vault"
	"kotak/vault/auditlog"
	"kotak/vault/directory"
	"kotak/vault/staff"
	"kotak/vault/unseal"
	"kotak/vault/workdays"
)

func init() {
	register("serve", command{summary: "serve the HTTP API (--demo for a ready-made demo)", run: runServe})
}

type serveConfig struct {
	addr                             string
	data                             string
	keyring                          string
	keyringID                        string
	region                           string
	holidays                         string
	demo                             bool
	submitRate, trackRate, loginRate int
	logLevel                         string
	shutdownGrace                    time.Duration
	retention                        time.Duration
}

// envDefault returns the environment variable's value, or def.
func envDefault(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func envInt(name string, def int) int {
	if v, ok := os.LookupEnv(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func parseServe(env *cmdEnv, args []string) (*serveConfig, error) {
	fs := flag.NewFlagSet("kotak serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	c := &serveConfig{}
	fs.StringVar(&c.addr, "addr", envDefault("KOTAK_ADDR", "127.0.0.1:8080"), "listen address (KOTAK_ADDR)")
	fs.StringVar(&c.data, "data", envDefault("KOTAK_DATA", "./data"), "data directory (KOTAK_DATA)")
	fs.StringVar(&c.keyring, "keyring", envDefault("KOTAK_KEYRING", ""), "ministry keyring file (KOTAK_KEYRING; default DATA/keyring.txt)")
	fs.StringVar(&c.keyringID, "keyring-id", envDefault("KOTAK_KEYRING_ID", ""), "refuse to start unless the keyring has this id (hex; KOTAK_KEYRING_ID)")
	fs.StringVar(&c.region, "region", envDefault("KOTAK_REGION", ""), "region of Open311 submissions that name none (KOTAK_REGION; the demo uses kab-sleman)")
	fs.StringVar(&c.holidays, "holidays", envDefault("KOTAK_HOLIDAYS", ""), "directory of extra holiday lists id-YYYY.csv (KOTAK_HOLIDAYS)")
	fs.BoolVar(&c.demo, "demo", os.Getenv("KOTAK_DEMO") == "1", "make and use a demo keyring, staff and agencies under DATA (KOTAK_DEMO=1)")
	fs.IntVar(&c.submitRate, "submit-rate", envInt("KOTAK_SUBMIT_RATE", 10), "submissions per minute per client; 0 = off (KOTAK_SUBMIT_RATE)")
	fs.IntVar(&c.trackRate, "track-rate", envInt("KOTAK_TRACK_RATE", 60), "tracking requests per minute per client; 0 = off (KOTAK_TRACK_RATE)")
	fs.IntVar(&c.loginRate, "login-rate", envInt("KOTAK_LOGIN_RATE", 10), "logins per minute per client; 0 = off (KOTAK_LOGIN_RATE)")
	fs.StringVar(&c.logLevel, "log-level", envDefault("KOTAK_LOG_LEVEL", "info"), "debug, info, warn or error (KOTAK_LOG_LEVEL)")
	fs.DurationVar(&c.shutdownGrace, "shutdown-grace", 20*time.Second, "how long shutdown waits for in-flight requests")
	fs.DurationVar(&c.retention, "retention", envDuration("KOTAK_RETENTION", 0),
		"crypto-shred closed and archived complaints this long after they ended, keeping a tombstone; 0 = keep (KOTAK_RETENTION)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.retention < 0 {
		return nil, fmt.Errorf("--retention must not be negative")
	}
	if c.keyring == "" {
		c.keyring = filepath.Join(c.data, keys.KeyringFileName)
	}
	return c, nil
}

func newLogger(env *cmdEnv, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("bad --log-level %q", level)
	}
	return slog.New(slog.NewJSONHandler(env.stderr, &slog.HandlerOptions{Level: l})), nil
}

// app is everything a running server holds.
type app struct {
	vault     *vault.Vault
	staff     *staff.Service
	dir       *directory.Service
	cal       *workdays.Calendar
	audit     *auditlog.Log
	unseal    *unseal.Service
	auditPub  string // the checkpoint verifier key
	stopAudit func()
}

// Close stops the checkpointer and closes the vault.
func (a *app) Close() error {
	if a.stopAudit != nil {
		a.stopAudit()
	}
	return a.vault.Close()
}

// staffParams is the argon2id cost of staff password hashes; tests lower it.
var staffParams = staff.DefaultParams()

// auditInstance names this server in its checkpoints' origin, kotak/<instance>.
const auditInstance = "kotak"

// openApp opens the vault in dir with the keyring at keyringPath, wires the
// audit log into every change (complaints, staff, directory, keyring) and
// starts signing checkpoints every second while entries arrive.
//
// A non-empty pinID must equal the keyring's id: a keyring file swapped for
// another one, validly signed by a stolen root key, is refused.
func openApp(dir, keyringPath, pinID, holidays string, log *slog.Logger) (*app, error) {
	kr, err := keys.LoadKeyring(keyringPath)
	if err != nil {
		return nil, fmt.Errorf("loading keyring: %w", err)
	}
	if pinID != "" && !strings.EqualFold(pinID, kr.ID().String()) {
		return nil, fmt.Errorf("the keyring in %s has id %s, not the pinned %s", keyringPath, kr.ID(), pinID)
	}
	cal := workdays.Default()
	if holidays != "" {
		extra, err := workdays.LoadDir(holidays)
		if err != nil {
			return nil, fmt.Errorf("loading holiday lists: %w", err)
		}
		cal = workdays.New(cal.Location(), workdays.Embedded(), extra)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	signer, pub, err := auditlog.LoadOrCreateSigner(dir, auditInstance, rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("audit signer: %w", err)
	}
	a := &app{cal: cal, auditPub: pub}
	var buckets [][]byte
	for _, bs := range [][][]byte{staff.Buckets, directory.Buckets, auditlog.Buckets, unseal.Buckets} {
		buckets = append(buckets, bs...)
	}
	v, err := vault.Open(dir, vault.Options{
		Keyring:  kr,
		Calendar: cal,
		Buckets:  buckets,
		OnEvent:  auditlog.OnEvent,
		AgencyExists: func(id string) bool {
			return a.dir != nil && a.dir.AgencyExists(id)
		},
		CategoryExists: func(id string) bool {
			return a.dir != nil && a.dir.CategoryExists(id)
		},
	})
	if err != nil {
		return nil, err
	}
	a.vault = v
	a.dir = directory.New(v.Store())
	a.dir.OnChange(auditlog.DirectoryHook(time.Now))
	a.staff = staff.New(v.Store(), staff.Options{Params: staffParams, AgencyExists: a.dir.AgencyExists, OnEvent: auditlog.StaffHook})
	a.audit = auditlog.New(v.Store())
	if _, err := auditlog.RecordKeyring(v.Store(), kr.ID().String(), time.Now()); err != nil {
		v.Close()
		return nil, fmt.Errorf("recording the keyring in the audit log: %w", err)
	}
	cp := auditlog.NewCheckpointer(v.Store(), signer)
	stop, err := cp.Start(time.Second, func(err error) {
		log.Error("audit checkpoint failed", "err_type", fmt.Sprintf("%T", err))
	})
	if err != nil {
		v.Close()
		return nil, fmt.Errorf("audit checkpointer: %w", err)
	}
	a.stopAudit = stop
	if a.unseal, err = newUnsealService(dir, v, kr, cp, log); err != nil {
		a.Close()
		return nil, err
	}
	log.Info("vault open", "keyring", kr.ID().String(), "threshold", kr.Threshold, "auditors", kr.N(),
		"audit_verifier_key", pub)
	return a, nil
}

// readiness reports whether the database answers, and missing holiday
// lists for this year and the next (a warning, not unreadiness).
func (a *app) readiness() (bool, map[string]string) {
	d := map[string]string{"database": "ok"}
	ready := true
	if err := a.vault.Store().View(func(vault.Tx) error { return nil }); err != nil {
		d["database"] = "unavailable"
		ready = false
	}
	if missing := a.cal.MissingYears(time.Now()); len(missing) > 0 {
		ys := make([]string, len(missing))
		for i, y := range missing {
			ys[i] = strconv.Itoa(y)
		}
		d["holidays"] = "no holiday list for " + strings.Join(ys, ", ") + ": counting weekends only"
	} else {
		d["holidays"] = "ok"
	}
	return ready, d
}

func runServe(env *cmdEnv, args []string) int {
	cfg, err := parseServe(env, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(env.stderr, "kotak serve:", err)
		return 2
	}
	log, err := newLogger(env, cfg.logLevel)
	if err != nil {
		fmt.Fprintln(env.stderr, "kotak serve:", err)
		return 2
	}
	if cfg.demo {
		if err := prepareDemo(env, cfg, rand.Reader); err != nil {
			fmt.Fprintln(env.stderr, "kotak serve: demo:", err)
			return 1
		}
	}
	a, err := openApp(cfg.data, cfg.keyring, cfg.keyringID, cfg.holidays, log)
	if err != nil {
		fmt.Fprintln(env.stderr, "kotak serve:", err)
		return 1
	}
	if cfg.demo {
		if err := seedDemo(env, cfg, a); err != nil {
			a.Close()
			fmt.Fprintln(env.stderr, "kotak serve: demo:", err)
			return 1
		}
	}
	if ok, d := a.readiness(); ok && d["holidays"] != "ok" {
		log.Warn("holiday list missing", "detail", d["holidays"])
	}
	if cfg.demo && cfg.region == "" {
		cfg.region = demoRegion
	}
	srv := api.New(api.Config{
		Open311Region: cfg.region,
		Vault:         a.vault, Staff: a.staff, Directory: a.dir, Audit: a.audit, Unseal: a.unseal, Logger: log,
		SubmitRate: cfg.submitRate, TrackRate: cfg.trackRate, LoginRate: cfg.loginRate,
		Ready: a.readiness,
	})
	if err := srv.SetOpen311Region(cfg.region); err != nil {
		a.Close()
		fmt.Fprintln(env.stderr, "kotak serve: --region: must be 1 to 64 of a-z, 0-9, '.', '_', '-'")
		return 2
	}
	hs := srv.HTTPServer(cfg.addr)
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		a.Close()
		fmt.Fprintln(env.stderr, "kotak serve:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(env.context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	jobs := startJobs(ctx, a, log, cfg.retention)
	stopBackups := serveBackupSocket(cfg.data, a.vault, log)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())
	fmt.Fprintf(env.stdout, "kotak: serving on http://%s\n", ln.Addr())

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Error("server stopped", "err_type", fmt.Sprintf("%T", err))
		}
	case <-ctx.Done():
		log.Info("shutting down")
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownGrace)
	defer cancel()
	// Shutdown waits for in-flight requests; each returns only after its
	// commit, so closing the vault afterwards loses nothing acknowledged.
	if err := api.Shutdown(sctx, hs); err != nil {
		log.Error("shutdown incomplete", "err_type", fmt.Sprintf("%T", err))
	}
	stop()
	<-jobs
	stopBackups()
	if err := a.Close(); err != nil {
		log.Error("closing vault", "err_type", fmt.Sprintf("%T", err))
		return 1
	}
	log.Info("stopped")
	return 0
}

// startJobs runs, every minute until ctx ends: auto-close, session and
// unseal-request expiry, and (when retention > 0) the retention purge.
func startJobs(ctx context.Context, a *app, log *slog.Logger, retention time.Duration) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			if n, err := a.vault.AutoClose(time.Now()); err != nil {
				log.Error("auto-close failed", "err_type", fmt.Sprintf("%T", err))
			} else if n > 0 {
				log.Info("auto-closed complaints", "count", n)
			}
			if _, err := a.staff.PurgeExpired(time.Now()); err != nil {
				log.Error("session purge failed", "err_type", fmt.Sprintf("%T", err))
			}
			expireUnseal(a.unseal, log)
			if retention > 0 {
				if n, err := a.vault.Purge(time.Now(), retention); err != nil {
					log.Error("retention purge failed", "err_type", fmt.Sprintf("%T", err))
				} else if n > 0 {
					log.Info("retention purge shredded complaints", "count", n)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return done
}
