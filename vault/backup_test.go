package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestBackupAndRestore takes a hot backup while submissions go on, restores
// it into a new directory with the master key, and finds every complaint
// acknowledged before the backup began, with its sealed record opening.
func TestBackupAndRestore(t *testing.T) {
	e := newEnv(t)
	var before []*Submitted
	for i := range 12 {
		p := []Privacy{PrivacyAnonymous, PrivacyConfidential, PrivacyPublic}[i%3]
		s := e.submit(t, p)
		if i%2 == 0 {
			if _, err := e.v.Verify(admin, s.ID, "dinas-pu", ""); err != nil {
				t.Fatal(err)
			}
		}
		before = append(before, s)
	}
	// Writers keep going during the backup.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := e.v.Submit(sampleSubmission(PrivacyPublic)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var buf bytes.Buffer
	n, err := e.v.Backup(&buf)
	close(stop)
	wg.Wait()
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("Backup: %d bytes, %v", n, err)
	}

	restored := t.TempDir()
	if err := os.WriteFile(filepath.Join(restored, DatabaseFile), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(e.dir, MasterKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, MasterKeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	checkFile(t, filepath.Join(restored, DatabaseFile))
	v, err := Open(restored, e.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	listed := map[string]bool{}
	f := Filter{Limit: MaxPageSize}
	for {
		p, err := v.List(admin, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range p.Items {
			listed[it.ID] = true
		}
		if p.NextCursor == "" {
			break
		}
		f.Cursor = p.NextCursor
	}
	for i, s := range before {
		if !listed[s.ID] {
			t.Errorf("complaint %d missing from the restored list", i)
		}
		c, err := v.Track(s.Receipt)
		if err != nil {
			t.Fatalf("restored Track: %v", err)
		}
		if c.ID != s.ID || c.Body != s.Body {
			t.Fatalf("restored complaint differs: %+v", c)
		}
		if p := e.openSealed(t, v, s.ID); p.Title != sampleSubmission(PrivacyPublic).Title {
			t.Fatalf("restored sealed title %q", p.Title)
		}
	}
	// The restored vault works: it takes new actions.
	if _, err := v.Verify(admin, before[1].ID, "dinas-pu", ""); err != nil {
		t.Fatal(err)
	}
	// Without the master key the backup is useless.
	if err := os.Remove(filepath.Join(restored, MasterKeyFile)); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	v2, err := Open(restored, e.opts) // makes a new, different key
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	if _, err := v2.Get(admin, before[0].ID); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Get without the original master key: %v", err)
	}
}
