package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"kotak/api"
	"kotak/crypto/seal"
	"kotak/keys"
	"kotak/vault"
	"kotak/vault/unseal"
)

func init() {
	register("unseal request", command{
		summary: "file an unseal request with a fresh recipient key (officer)",
		run:     runUnsealRequest,
	})
	register("unseal reveal", command{
		summary: "open an approved request's identity with the recipient key (officer)",
		run:     runUnsealReveal,
	})
}

const unsealRequestUsage = `usage: kotak unseal request --server URL --token TOKEN --complaint ID --legal-basis BASIS
                            --justification TEXT --key-out FILE [--defer-notice DAYS]

Makes a fresh X-Wing recipient key on this machine, writes its private part
to FILE (mode 0600, never overwritten), and files an unseal request for the
complaint. Auditors re-seal their shares to this key; only FILE opens them.
Read the printed fingerprint out to each auditor over a channel the server
does not control. The request id is the last line of the output.

  --server URL           the kotak server
  --token TOKEN          an officer's login token (default $KOTAK_TOKEN)
  --complaint ID         the complaint (KTK-…)
  --legal-basis BASIS    court_order, police_investigation, reporter_consent,
                         threat_to_life (or what the server's policy lists)
  --justification TEXT   why (20 to 4000 characters; shown to the auditors)
  --key-out FILE         where to write the recipient key
  --defer-notice DAYS    ask the auditors to defer telling the reporter by
                         DAYS after approval (policy maximum, default 0)
`

// runUnsealRequest makes the recipient key, writes it, and files.
func runUnsealRequest(env *cmdEnv, args []string) int {
	cmd := newServerCommand(env, "kotak unseal request", unsealRequestUsage)
	complaint := cmd.String("complaint", "", "")
	basis := cmd.String("legal-basis", "", "")
	just := cmd.String("justification", "", "")
	keyOut := cmd.String("key-out", "", "")
	deferDays := cmd.Int("defer-notice", 0, "")
	valid := func() bool {
		return cmd.NArg() == 0 && *complaint != "" && *basis != "" && *just != "" && *keyOut != "" &&
			*deferDays >= 0 && *deferDays <= unseal.MaxDeferralDays
	}
	if code, ok := cmd.parse(args, valid); !ok {
		return code
	}
	fail := cmd.fail
	c, err := cmd.client()
	if err != nil {
		return fail("%v", err)
	}

	seed, pub, err := seal.NewRecipientKey(rand.Reader)
	if err != nil {
		return fail("%v", err)
	}
	defer clear(seed)
	file, err := unseal.EncodeRecipientKey(seed)
	if err != nil {
		return fail("%v", err)
	}
	defer clear(file)
	// The key is written before filing: a request whose key is lost could
	// never be revealed.
	if err := keys.WriteKeyFile(*keyOut, file); err != nil {
		if errors.Is(err, keys.ErrFileExists) {
			return fail("%s exists: choose a new file for each request's key", *keyOut)
		}
		return fail("writing the key: %v", err)
	}
	var q api.UnsealRequest
	err = c.call("POST", "/api/v1/unseal-requests", api.UnsealFiling{
		ComplaintID: *complaint, LegalBasis: *basis, Justification: *just,
		RecipientKey: b64.EncodeToString(pub), NoticeDeferralDays: *deferDays,
	}, &q)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			// The server refused: nothing was filed, the key is of no use.
			_ = os.Remove(*keyOut)
			return fail("%v", err)
		}
		return fail("%v (the request may have been filed; %s is kept)", err, *keyOut)
	}
	w := env.stdout
	fmt.Fprintf(w, "filed unseal request %s\n", printable(q.ID))
	fmt.Fprintf(w, "complaint:     %s\n", printable(q.ComplaintID))
	fmt.Fprintf(w, "legal basis:   %s\n", printable(q.LegalBasis))
	fmt.Fprintf(w, "status:        %s: %d of %d auditors must approve by %s\n", printable(string(q.Status)), q.Threshold, q.Auditors,
		q.ExpiresAt.Local().Format(time.RFC1123))
	if q.NoticeDeferralDays > 0 {
		fmt.Fprintf(w, "notice:        the reporter is told %d days after approval, if the auditors agree\n", q.NoticeDeferralDays)
	} else {
		fmt.Fprintln(w, "notice:        the reporter is told at approval")
	}
	fmt.Fprintf(w, "recipient key: %s (keep it private; kotak unseal reveal needs it)\n", *keyOut)
	fmt.Fprintf(w, "fingerprint:   %s\n", unseal.RecipientFingerprint(pub))
	if q.RecipientKeyFingerprint != unseal.RecipientFingerprint(pub) {
		fmt.Fprintln(env.stderr, "WARNING: the server shows another recipient key fingerprint for this request; do not let auditors approve it")
	}
	fmt.Fprintln(w, "Read the fingerprint out to each auditor over a channel the server does not control.")
	fmt.Fprintln(w, printable(q.ID))
	return 0
}

const unsealRevealUsage = `usage: kotak unseal reveal --server URL --token TOKEN --key FILE [--keyring FILE] REQUEST

Fetches the re-sealed shares of an approved request (the fetch is logged),
checks every approval's signature against the keyring, opens the shares with
the recipient key, checks them against their commitments, recovers the data
key and prints the reporter's identity and the original text. Before the
request is approved it exits 1 and reveals nothing.

  --server URL     the kotak server
  --token TOKEN    the filing officer's login token (default $KOTAK_TOKEN)
  --key FILE       the recipient key written by kotak unseal request
  --keyring FILE   the ministry keyring to check signatures with (default:
                   the server's copy, with a warning)
`

// runUnsealReveal fetches, checks and opens the shares of an approved request.
func runUnsealReveal(env *cmdEnv, args []string) int {
	cmd := newServerCommand(env, "kotak unseal reveal", unsealRevealUsage)
	keyPath := cmd.String("key", "", "")
	keyringPath := cmd.String("keyring", "", "")
	if code, ok := cmd.parse(args, func() bool { return cmd.NArg() == 1 && *keyPath != "" }); !ok {
		return code
	}
	rid := cmd.Arg(0)
	fail := cmd.fail
	c, err := cmd.client()
	if err != nil {
		return fail("%v", err)
	}
	seed, err := readRecipientKey(env, *keyPath)
	if err != nil {
		return fail("%v", err)
	}
	defer clear(seed)
	pub, err := unseal.RecipientPublicKey(seed)
	if err != nil {
		return fail("%v", err)
	}

	var q api.UnsealRequest
	if err := c.call("GET", requestPath(rid, ""), nil, &q); err != nil {
		return fail("%v", err)
	}
	if q.ID != rid {
		return fail("the server answered for another request")
	}
	if q.RecipientKey != b64.EncodeToString(pub) {
		return fail("%s is not the recipient key of request %s", *keyPath, printable(rid))
	}
	var a api.UnsealApprovals
	if err := c.call("GET", requestPath(rid, "/approvals"), nil, &a); err != nil {
		return fail("%v", err)
	}
	if a.RequestID != rid || a.ComplaintID != q.ComplaintID {
		return fail("the server answered for another request")
	}
	if a.Status != unseal.StatusApproved {
		return fail("request %s is %s (%d of %d approvals, %d denials): nothing revealed",
			printable(rid), printable(string(a.Status)), a.Approvals, a.Threshold, a.Denials)
	}
	kr, err := revealKeyring(env, *keyringPath, a.Keyring, q.KeyringID)
	if err != nil {
		return fail("%v", err)
	}
	sealed, err := b64.DecodeString(a.SealedRecord)
	if err != nil {
		return fail("the server sent a malformed sealed record")
	}
	rec, err := seal.Parse(sealed)
	if err != nil {
		return fail("the server sent a malformed sealed record: %v", err)
	}

	// Keep the approvals whose signature holds over this request, this
	// record and this recipient key, and whose share opens.
	var shares []seal.Share
	defer func() {
		for i := range shares {
			shares[i].Wipe()
		}
	}()
	var approvers []string
	for _, it := range a.Items {
		if it.Decision != unseal.Approve {
			continue
		}
		who := printable(it.AuditorID)
		share, err := b64.DecodeString(it.SealedShare)
		if err != nil {
			fmt.Fprintf(env.stderr, "warning: the share of %s is malformed; left out\n", who)
			continue
		}
		sig, _ := b64.DecodeString(it.Signature)
		aud, _, ok := kr.Auditor(it.AuditorID)
		st := unseal.Statement{RequestID: rid, ComplaintID: q.ComplaintID, KeyringID: kr.ID(), AuditorID: it.AuditorID,
			Verdict: unseal.Approve, LegalBasis: q.LegalBasis, Justification: q.Justification, RecipientKey: pub,
			DeferralDays: q.NoticeDeferralDays, SealedRecord: sealed, SealedShare: share}
		if !ok || st.Verify(aud.Ed25519, sig) != nil {
			fmt.Fprintf(env.stderr, "warning: the approval of %s does not verify against the keyring; left out\n", who)
			continue
		}
		sh, err := seal.OpenResealed(seed, share, rid, q.ComplaintID)
		if err != nil {
			fmt.Fprintf(env.stderr, "warning: the share of %s does not open with this key (%v); left out\n", who, err)
			continue
		}
		shares = append(shares, sh)
		approvers = append(approvers, who)
	}
	pt, err := openDroppingBlamed(env, rec, q.ComplaintID, kr, shares)
	if err != nil {
		return fail("%v: nothing revealed", err)
	}
	defer clear(pt)
	p, err := vault.ParseSealedPayload(pt)
	if err != nil {
		return fail("the opened record is not a complaint's sealed part: %v", err)
	}
	w := env.stdout
	fmt.Fprintf(w, "request:      %s\n", printable(rid))
	fmt.Fprintf(w, "complaint:    %s\n", printable(q.ComplaintID))
	fmt.Fprintf(w, "legal basis:  %s\n", printable(q.LegalBasis))
	fmt.Fprintf(w, "approved by:  %s\n", strings.Join(approvers, ", "))
	fmt.Fprintln(w, "reporter:")
	for _, f := range [][2]string{{"name", p.Reporter.Name}, {"NIK", p.Reporter.NIK}, {"phone", p.Reporter.Phone},
		{"e-mail", p.Reporter.Email}, {"address", p.Reporter.Address}} {
		fmt.Fprintf(w, "  %-8s %s\n", f[0]+":", printable(f[1]))
	}
	fmt.Fprintf(w, "original title: %s\n", printable(p.Title))
	fmt.Fprintln(w, "original text:")
	fmt.Fprintln(w, indent(printable(p.Body), "  "))
	for i, h := range p.Attachments {
		fmt.Fprintf(w, "attachment %d (SHA-256 of the original): %s\n", i+1, printable(h))
	}
	fmt.Fprintln(env.stderr, "Wipe the recipient key file once you no longer need it: the re-sealed shares stay on the server.")
	return 0
}

// openDroppingBlamed opens the record, leaving out any share its
// commitment blames, while k shares remain.
func openDroppingBlamed(env *cmdEnv, rec *seal.Record, cid string, kr *keys.Keyring, shares []seal.Share) ([]byte, error) {
	for {
		pt, err := seal.Open(rec, cid, kr, shares)
		var se *seal.ShareError
		if err == nil || !errors.As(err, &se) {
			return pt, err
		}
		fmt.Fprintf(env.stderr, "warning: the share of %s does not match its commitment; left out\n", printable(se.AuditorID))
		kept := shares[:0]
		for _, s := range shares {
			if rec.CheckShare(cid, s) == nil {
				kept = append(kept, s)
			} else {
				s.Wipe()
			}
		}
		if len(kept) == len(shares) {
			return nil, err
		}
		shares = kept
	}
}

// revealKeyring returns the pinned keyring (which must be the request's)
// or, without one, the server's copy with a warning.
func revealKeyring(env *cmdEnv, path, served, wantID string) (*keys.Keyring, error) {
	var kr *keys.Keyring
	var err error
	if path != "" {
		if kr, err = keys.LoadKeyring(path); err != nil {
			return nil, err
		}
	} else {
		if kr, err = keys.ParseKeyring([]byte(served)); err != nil {
			return nil, fmt.Errorf("the server's keyring: %w", err)
		}
		fmt.Fprintf(env.stderr, "warning: using the server's copy of keyring %s (root %s); pin your own with --keyring\n",
			kr.ID(), kr.RootFingerprint())
	}
	if kr.ID().String() != wantID {
		return nil, fmt.Errorf("the request is under keyring %s, not %s", printable(wantID), kr.ID())
	}
	return kr, nil
}

// readRecipientKey reads a recipient key file, warning if others can read it.
func readRecipientKey(env *cmdEnv, path string) ([]byte, error) {
	f, err := openSecretFile(env, path, "")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1024))
	if err != nil {
		return nil, err
	}
	defer clear(data)
	seed, err := unseal.ParseRecipientKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return seed, nil
}
