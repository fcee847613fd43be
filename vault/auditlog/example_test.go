package auditlog

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"kotak/internal/testkit"
	"kotak/vault"
	"kotak/vault/store"
)

func ExampleEntry_Marshal() {
	e := Entry{
		Time:      time.Date(2026, 3, 17, 10, 0, 0, 0, time.FixedZone("WIB", 7*3600)),
		Role:      "officer",
		Actor:     "officer-1",
		Action:    ActionUnsealRequest,
		Complaint: "KTK-0123456789ABC",
		Request:   "req-7",
		Details:   DetailsHash([]byte(`{"legal_basis":"court_order"}`)),
	}
	b, err := e.Marshal()
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
	// Output:
	// {"v":1,"time":"2026-03-17T03:00:00.000Z","role":"officer","actor":"officer-1","action":"unseal_request","complaint":"KTK-0123456789ABC","request":"req-7","details":"37db0a07bbe74e810be7b3596bbf5083a6e16ecc6dd321a718f2cafa4304e653"}
}

func ExampleFromEvent() {
	e := FromEvent(vault.Event{
		Time:      time.Date(2026, 3, 17, 3, 0, 0, 0, time.UTC),
		Actor:     vault.Actor{Role: vault.RoleAdmin, ID: "admin-1"},
		Action:    vault.ActionVerify,
		Complaint: "KTK-0123456789ABC",
		To:        vault.StatusDispatched,
		Agency:    "dinas-pu",
		Note:      "Jalan rusak di depan rumah Pak Budi", // hashed, never copied
	})
	fmt.Println(e.Role, e.Actor, e.Action, e.Complaint, e.Agency, len(e.Details))
	// Output: admin admin-1 verify KTK-0123456789ABC dinas-pu 64
}

// exampleStore opens a fresh database with the log's buckets.
func exampleStore() (vault.Store, func()) {
	dir, err := os.MkdirTemp("", "auditlog-example")
	if err != nil {
		panic(err)
	}
	db, err := store.Open(filepath.Join(dir, "kotak.db"), store.Options{InitialMmapSize: 1 << 24})
	if err != nil {
		panic(err)
	}
	st := testStore{db}
	if err := createBuckets(st); err != nil {
		panic(err)
	}
	return st, func() { db.Close(); os.RemoveAll(dir) }
}

// Append logs an action in the action's own transaction; a Checkpointer
// signs the tree; Verify checks everything from the outside.
func ExampleAppend() {
	st, done := exampleStore()
	defer done()

	err := st.Update(func(tx vault.Tx) error {
		// ... the action's own writes through tx ...
		idx, err := Append(tx, Entry{Time: time.Date(2026, 3, 17, 3, 0, 0, 0, time.UTC),
			Role: "admin", Actor: "admin-1", Action: ActionAgencyPut, Agency: "dinas-pu"})
		fmt.Println("logged at", idx)
		return err // a failed append fails the action
	})
	if err != nil {
		panic(err)
	}

	skey, vkey, _ := note.GenerateKey(testkit.Rand(1), "kotak/lapor.example.id")
	signer, _ := note.NewSigner(skey)
	if _, err := NewCheckpointer(st, signer).SignNow(); err != nil {
		panic(err)
	}
	verifier, _ := NewVerifier(vkey)
	rep, err := Verify(New(st), VerifyOptions{Verifier: verifier})
	fmt.Println(rep.Tree.N, "entries verified,", err)
	// Output:
	// logged at 0
	// 1 entries verified, <nil>
}

func ExampleOpenCheckpoint() {
	skey, vkey, _ := note.GenerateKey(testkit.Rand(1), "kotak/lapor.example.id")
	signer, _ := note.NewSigner(skey)
	verifier, _ := NewVerifier(vkey)

	tree := tlog.Tree{N: 3, Hash: tlog.RecordHash([]byte("x"))}
	cp, _ := SignCheckpoint(signer, tree)
	fmt.Print(string(FormatCheckpointBody(signer.Name(), tree)))

	got, err := OpenCheckpoint(cp, verifier)
	fmt.Println(got.N, err)
	cp[len(cp)-5] ^= 1
	_, err = OpenCheckpoint(cp, verifier)
	fmt.Println(err)
	// Output:
	// kotak/lapor.example.id
	// 3
	// PH6byTDck/AfppmF7yQtn56GHzxTVaokzl70tLinDMs=
	// 3 <nil>
	// auditlog: bad checkpoint signature
}

// Verify names the first entry that does not match the signed tree.
func ExampleVerify() {
	st, done := exampleStore()
	defer done()
	for i := range 5 {
		_ = st.Update(func(tx vault.Tx) error { _, err := Append(tx, testEntry(i)); return err })
	}
	skey, vkey, _ := note.GenerateKey(testkit.Rand(1), "kotak/lapor.example.id")
	signer, _ := note.NewSigner(skey)
	_, _ = NewCheckpointer(st, signer).SignNow()
	verifier, _ := NewVerifier(vkey)

	// Someone with the database file edits entry 3.
	_ = st.Update(func(tx vault.Tx) error {
		b := append([]byte(nil), tx.Get(bucketEntries, indexKey(3))...)
		b[20] ^= 1
		return tx.Put(bucketEntries, indexKey(3), b)
	})
	_, err := Verify(New(st), VerifyOptions{Verifier: verifier})
	fmt.Println(err)
	// Output: auditlog: entry 3 is bad: auditlog: entry does not match the signed tree
}
