package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"kotak/vault"
)

// backupSocketFile is the Unix socket in the data directory on which a
// running server hands out hot backups to `kotak backup --data DIR`. bbolt
// locks the database file for the serving process, so another process
// cannot read it; the socket lets the server copy it from one read
// transaction instead. Access is the file system's: the socket is 0600 in
// the 0700 data directory, so only the server's own user can connect.
const backupSocketFile = "backup.sock"

// serveBackupSocket listens on DIR/backup.sock and answers GET /backup
// with a consistent copy of the database and its exact Content-Length. It
// returns a function that stops it. A socket it cannot make (a path too
// long for a Unix socket, say) is logged and skipped: --server still works.
func serveBackupSocket(dir string, v *vault.Vault, log *slog.Logger) (stop func()) {
	path := filepath.Join(dir, backupSocketFile)
	_ = os.Remove(path) // a stale socket of a server that did not stop cleanly
	ln, err := net.Listen("unix", path)
	if err != nil {
		log.Warn("no local backup socket", "err_type", fmt.Sprintf("%T", err))
		return func() {}
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		log.Warn("no local backup socket", "err_type", fmt.Sprintf("%T", err))
		return func() {}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := v.Backup(&sizedWriter{w: w}); err != nil {
			log.Error("local backup failed", "err_type", fmt.Sprintf("%T", err))
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = os.Remove(path)
	}
}

// sizedWriter sends the copy's size (store.SizeReceiver) as Content-Length.
type sizedWriter struct{ w http.ResponseWriter }

func (s *sizedWriter) CopySize(n int64) {
	s.w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	s.w.WriteHeader(http.StatusOK)
}

func (s *sizedWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

// errNoBackupSocket: no server answers on the data directory's socket.
var errNoBackupSocket = errors.New("no running server answers on the data directory's backup socket")

// backupFromSocket fetches a hot backup from the server running on dir and
// writes it, checked, to out.
func backupFromSocket(dir, out string) (int64, error) {
	path := filepath.Join(dir, backupSocketFile)
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		},
	}}
	res, err := client.Get("http://kotak/backup")
	if err != nil {
		return 0, errNoBackupSocket
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<10))
		return 0, fmt.Errorf("the server answered %s", res.Status)
	}
	return vault.BackupFromReader(res.Body, res.ContentLength, out)
}
