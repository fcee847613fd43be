package vault

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The crash test re-executes the test binary as a child process (selected
// by crashChildEnv) that opens the vault in the given directory and submits
// from several goroutines, printing "ACK <id> <receipt>" only after Submit
// has returned. The parent kills it with SIGKILL at a random moment,
// reopens the vault, and checks that every acknowledged complaint is there,
// tracks by its receipt, and that its sealed record opens with k shares.
const (
	crashChildEnv  = "KOTAK_CRASH_CHILD"
	crashCyclesEnv = "KOTAK_CRASH_CYCLES"
	crashWorkers   = 8
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	code := m.Run()
	closeBenchVaults()
	os.Exit(code)
}

// crashChild submits until it is killed (or 30 s pass).
func crashChild(dir string) {
	ring := testKeyring(nil)
	v, err := Open(dir, Options{Keyring: ring.kr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "READY")
	out.Flush()
	for w := range crashWorkers {
		go func() {
			for i := 0; ; i++ {
				s := sampleSubmission([]Privacy{PrivacyAnonymous, PrivacyConfidential, PrivacyPublic}[(w+i)%3])
				got, err := v.Submit(s)
				if err != nil {
					fmt.Fprintln(os.Stderr, "child submit:", err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Fprintf(out, "ACK %s %s\n", got.ID, strings.ReplaceAll(got.Receipt, " ", ""))
				out.Flush() // written to the pipe before the next submission starts
				mu.Unlock()
			}
		}()
	}
	time.Sleep(30 * time.Second)
	os.Exit(5)
}

func crashCycles(t *testing.T) int {
	if s := os.Getenv(crashCyclesEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q", crashCyclesEnv, s)
		}
		return n
	}
	if testing.Short() {
		return 5
	}
	return 20
}

func TestCrashSafety(t *testing.T) {
	dir := t.TempDir()
	ring := testKeyring(t)
	cycles := crashCycles(t)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	acked := map[string]string{} // id → receipt
	total := 0
	for cycle := range cycles {
		fresh := runCrashChild(t, dir, rng, cycle)
		for id, r := range fresh {
			acked[id] = r
		}
		total += len(fresh)

		// Reopen as a restarted server would, and check everything acknowledged so far.
		if _, err := os.Stat(filepath.Join(dir, DatabaseFile)); err == nil {
			checkFile(t, filepath.Join(dir, DatabaseFile))
		} else if len(acked) > 0 {
			t.Fatalf("cycle %d: database file gone: %v", cycle, err)
		}
		v, err := Open(dir, Options{Keyring: ring.kr})
		if err != nil {
			t.Fatalf("cycle %d: reopening after SIGKILL: %v", cycle, err)
		}
		for id, r := range acked {
			c, err := v.Track(r)
			if err != nil || c.ID != id {
				t.Fatalf("cycle %d: acknowledged complaint %s lost: %v", cycle, id, err)
			}
		}
		e := &env{ring: ring}
		for id := range fresh { // opening sealed records costs k HPKE opens: only the new ones
			if p := e.openSealed(t, v, id); p.Title == "" {
				t.Fatalf("cycle %d: %s sealed payload empty", cycle, id)
			}
		}
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
		if t.Failed() {
			return
		}
	}
	t.Logf("%d cycles, %d acknowledged submissions, all present", cycles, total)
	if total == 0 {
		t.Fatal("no submission was ever acknowledged: the kills came too early")
	}
}

// runCrashChild starts a child, kills it at a random moment and returns
// the complaints it acknowledged.
func runCrashChild(t *testing.T, dir string, rng *rand.Rand, cycle int) map[string]string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashSafety$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acks := map[string]string{}
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		readyOnce := sync.OnceFunc(func() { close(ready) })
		defer readyOnce()
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 1 && f[0] == "READY":
				readyOnce()
			case len(f) == 3 && f[0] == "ACK" && ValidID(f[1]) && len(f[2]) == 20:
				acks[f[1]] = f[2]
			}
		}
	}()
	// Every third cycle may die anywhere, opening included; the others
	// die while submitting.
	if cycle%3 != 0 {
		select {
		case <-ready:
		case <-time.After(20 * time.Second):
			t.Fatal("child never became ready")
		}
	}
	time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-done
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("cycle %d: child ended by itself: %v", cycle, err)
	}
	return acks
}
