package main

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"kotak/api"
	"kotak/crypto/seal"
	"kotak/keys"
	"kotak/vault/unseal"
)

func init() {
	register("auditor approve", command{
		summary: "approve an unseal request with your key: re-seal your share to the officer (auditor)",
		run:     func(env *cmdEnv, args []string) int { return runAuditorDecide(env, args, unseal.Approve) },
	})
	register("auditor deny", command{
		summary: "deny an unseal request with a signed decision (auditor)",
		run:     func(env *cmdEnv, args []string) int { return runAuditorDecide(env, args, unseal.Deny) },
	})
}

const auditorUsage = `usage: kotak auditor approve|deny --server URL --token TOKEN --key KEYFILE [--keyring FILE]
                              [--passphrase-file F] [--fingerprint FP] [--yes] REQUEST

Fetches the unseal request, its justification and the redacted complaint,
shows them with the fingerprint of the officer's recipient key, and asks
(unless --yes). On approve it opens your share of the sealed identity on
this machine, checks it against the record's commitment, re-seals it to the
recipient key and signs; on deny it signs the denial. The signature covers
the request, the complaint, the keyring, your decision, the legal basis, the
justification, the recipient key, the notice deferral, the sealed record and
the re-sealed share. Your share never leaves this machine in the clear.

  --server URL           the kotak server
  --token TOKEN          your auditor account's login token (default $KOTAK_TOKEN)
  --key KEYFILE          your auditor key file
  --keyring FILE         the ministry keyring you trust (default: the
                         server's copy, with a warning)
  --passphrase-file F    read the key file's passphrase from the first line
                         of F (default: prompt)
  --fingerprint FP       the recipient key fingerprint the officer gave you;
                         refuse if the request's differs
  --yes                  do not ask
`

// runAuditorDecide runs `kotak auditor approve|deny`.
func runAuditorDecide(env *cmdEnv, args []string, verdict unseal.Verdict) int {
	name := "kotak auditor " + string(verdict)
	cmd := newServerCommand(env, name, auditorUsage)
	keyPath := cmd.String("key", "", "")
	keyringPath := cmd.String("keyring", "", "")
	passFile := cmd.String("passphrase-file", "", "")
	wantFP := cmd.String("fingerprint", "", "")
	yes := cmd.Bool("yes", false, "")
	if code, ok := cmd.parse(args, func() bool { return cmd.NArg() == 1 && *keyPath != "" }); !ok {
		return code
	}
	rid := cmd.Arg(0)
	fail := cmd.fail
	c, err := cmd.client()
	if err != nil {
		return fail("%v", err)
	}
	in := newPassReader(env)

	// 1. The key file: it names the auditor.
	pass, err := auditorPassphrase(env, in, *passFile)
	if err != nil {
		return fail("%v", err)
	}
	id, err := keys.LoadIdentity(*keyPath, pass)
	clear(pass)
	if err != nil {
		return fail("%s: %v", *keyPath, err)
	}
	defer id.Wipe()

	// 2. The request, as the server shows it to auditors.
	var q api.UnsealRequest
	if err := c.call("GET", requestPath(rid, ""), nil, &q); err != nil {
		return fail("%v", err)
	}
	if q.ID != rid {
		return fail("the server answered for another request")
	}
	kr, err := revealKeyring(env, *keyringPath, q.Keyring, q.KeyringID)
	if err != nil {
		return fail("%v", err)
	}
	if err := kr.CheckIdentity(id); err != nil {
		return fail("your key file is not an auditor of keyring %s: %v", kr.ID(), err)
	}
	recipient, err := b64.DecodeString(q.RecipientKey)
	if err != nil || unseal.CheckRecipientKey(recipient) != nil {
		return fail("the request's recipient key is malformed")
	}
	fp := unseal.RecipientFingerprint(recipient)
	showRequest(env.stdout, &q, fp, kr)
	if *wantFP != "" && !strings.EqualFold(strings.TrimSpace(*wantFP), fp) {
		return fail("the request's recipient key fingerprint is %s, not the %s you were given: nothing signed", fp, printable(*wantFP))
	}
	if q.Status != unseal.StatusPending {
		return fail("the request is %s: nothing to decide", printable(string(q.Status)))
	}
	if *wantFP == "" && verdict == unseal.Approve {
		fmt.Fprintln(env.stdout, "Compare the fingerprint with the one the officer gave you before you approve.")
	}
	if !*yes {
		ok, err := confirm(env, in, fmt.Sprintf("%s request %s as %s? Type yes to sign: ", titleCase(string(verdict)), printable(rid), id.AuditorID))
		if err != nil {
			return fail("%v", err)
		}
		if !ok {
			fmt.Fprintln(env.stdout, "Nothing signed.")
			return 1
		}
	}

	// 3. Open the share locally, check its commitment, re-seal, sign.
	sealed, err := b64.DecodeString(q.SealedRecord)
	if err != nil || len(sealed) == 0 {
		return fail("the server sent no sealed record")
	}
	st := unseal.Statement{RequestID: rid, ComplaintID: q.ComplaintID, KeyringID: kr.ID(), AuditorID: id.AuditorID,
		Verdict: verdict, LegalBasis: q.LegalBasis, Justification: q.Justification, RecipientKey: recipient,
		DeferralDays: q.NoticeDeferralDays, SealedRecord: sealed}
	if verdict == unseal.Approve {
		rec, err := seal.Parse(sealed)
		if err != nil {
			return fail("the sealed record is malformed: %v", err)
		}
		share, err := seal.OpenShare(rec, q.ComplaintID, kr, id)
		if err != nil {
			var se *seal.ShareError
			if errors.As(err, &se) {
				return fail("your share does not match the record's commitment: the record was changed; do not approve, report it")
			}
			return fail("opening your share: %v", err)
		}
		st.SealedShare, err = seal.Reseal(rand.Reader, share, recipient, rid, q.ComplaintID)
		share.Wipe()
		if err != nil {
			return fail("re-sealing your share: %v", err)
		}
	}
	sig, err := st.Sign(id)
	if err != nil {
		return fail("%v", err)
	}
	var res api.UnsealDecisionResult
	err = c.call("POST", requestPath(rid, "/approvals"), api.UnsealDecision{
		AuditorID: id.AuditorID, Decision: verdict,
		SealedShare: b64.EncodeToString(st.SealedShare), Signature: b64.EncodeToString(sig),
	}, &res)
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(env.stdout, "%s signed and recorded: request %s is %s (%d of %d approvals, %d denials)\n",
		titleCase(string(verdict)), printable(rid), printable(string(res.Status)), res.Approvals, res.Threshold, res.Denials)
	return 0
}

// showRequest prints what an auditor decides on. Every server-supplied
// string goes through printable.
func showRequest(w io.Writer, q *api.UnsealRequest, fp string, kr *keys.Keyring) {
	fmt.Fprintf(w, "Unseal request %s: %s, %d of %d approvals, %d denials, expires %s\n", printable(q.ID), printable(string(q.Status)),
		q.Approvals, q.Threshold, q.Denials, q.ExpiresAt.Local().Format(time.RFC1123))
	fmt.Fprintf(w, "  complaint:      %s\n", printable(q.ComplaintID))
	fmt.Fprintf(w, "  requested by:   %s on %s\n", printable(q.Requester), q.CreatedAt.Local().Format(time.RFC1123))
	fmt.Fprintf(w, "  legal basis:    %s\n", printable(q.LegalBasis))
	if q.NoticeDeferralDays > 0 {
		fmt.Fprintf(w, "  reporter told:  %d days after approval (a deferral: your signature approves it too)\n", q.NoticeDeferralDays)
	} else {
		fmt.Fprintln(w, "  reporter told:  at approval")
	}
	fmt.Fprintf(w, "  recipient key:  %s\n", fp)
	fmt.Fprintf(w, "  keyring:        %s (root %s)\n", kr.ID(), kr.RootFingerprint())
	fmt.Fprintln(w, "Justification:")
	fmt.Fprintln(w, indent(printable(q.Justification), "  "))
	if q.Complaint != nil {
		fmt.Fprintf(w, "Redacted complaint (%s, %s, %s):\n", printable(q.Complaint.Category), printable(q.Complaint.Region), printable(string(q.Complaint.Status)))
		fmt.Fprintln(w, indent(printable(q.Complaint.Title), "  "))
		fmt.Fprintln(w, indent(printable(q.Complaint.Body), "  "))
	} else {
		fmt.Fprintln(w, "The complaint was deleted under the retention policy.")
	}
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// auditorPassphrase reads the first line of path, or prompts.
func auditorPassphrase(env *cmdEnv, in *passReader, path string) ([]byte, error) {
	if path == "" {
		return in.read("Passphrase of your key file: ")
	}
	data, err := readSecretFile(env, path, "")
	if err != nil {
		return nil, err
	}
	defer clear(data)
	line := firstLine(data)
	if len(line) == 0 {
		return nil, fmt.Errorf("%s: the first line is empty", path)
	}
	return line, nil
}

// confirm asks a yes/no question on the terminal (visible input) or reads
// one line of piped input; only "yes" (or "y") agrees.
func confirm(env *cmdEnv, in *passReader, prompt string) (bool, error) {
	fmt.Fprint(env.stderr, prompt)
	br := in.br
	if br == nil {
		br = bufio.NewReader(env.stdin)
	}
	line, err := br.ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return false, errors.New("no answer: use --yes to sign without asking")
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "yes" || a == "y", nil
}
