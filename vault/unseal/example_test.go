package unseal_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"strings"

	"kotak/crypto/seal"
	"kotak/keys"
	"kotak/vault"
	"kotak/vault/auditlog"
	"kotak/vault/redact"
	"kotak/vault/unseal"
)

func ExampleParsePolicy() {
	p, err := unseal.ParsePolicy([]byte(`{
  "version": 1,
  "legal_bases": ["court_order", "threat_to_life"],
  "requester_roles": ["officer"],
  "request_expiry_days": 7,
  "max_open_requests_per_requester": 2,
  "notify_reporter_at_approval": true,
  "max_notice_deferral_days": 30
}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.AllowsBasis("court_order"), p.AllowsBasis("reporter_consent"), p.Expiry())

	_, err = unseal.ParsePolicy([]byte(`{"version": 1, "legal_bases": ["court_order"], "override": true}`))
	fmt.Println(err)
	// Output:
	// true false 168h0m0s
	// unseal: invalid policy file: not one JSON object of known fields
}

// Example_flow files a request, has two of three auditors approve it on
// their machines and reveals the identity on the officer's machine.
func Example_flow() {
	dir, _ := os.MkdirTemp("", "unseal-example")
	defer os.RemoveAll(dir)

	// The ministry keyring (2 of 3) and a vault holding one complaint.
	var ids []*keys.Identity
	var pubs []keys.Auditor
	for i := 1; i <= 3; i++ {
		id, _ := keys.GenerateIdentity(rand.Reader, fmt.Sprintf("auditor-%d", i), fmt.Sprintf("Auditor %d", i))
		ids, pubs = append(ids, id), append(pubs, id.Public())
	}
	_, root, _ := ed25519.GenerateKey(rand.Reader)
	kr, _ := keys.NewKeyring(root, 2, pubs)
	v, err := vault.Open(dir, vault.Options{Keyring: kr, Buckets: append(unseal.Buckets, auditlog.Buckets...), OnEvent: auditlog.OnEvent})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer v.Close()
	c, err := v.Submit(vault.Submission{Title: "Pungutan liar di kantor kecamatan",
		Body: "Petugas meminta uang tambahan untuk mengurus surat pindah.", Category: "pungli",
		Region: "kab-sleman", Privacy: vault.PrivacyAnonymous, Channel: vault.ChannelWeb,
		Reporter: redact.Identity{Name: "Budi Santoso", Phone: "081234567890"}})
	if err != nil {
		fmt.Println(err)
		return
	}

	svc, err := unseal.New(v.Store(), unseal.Options{Keyring: kr, JustificationKey: make([]byte, 32)})
	if err != nil {
		fmt.Println(err)
		return
	}

	// The officer makes a recipient key on their machine and files.
	seed, pub, _ := seal.NewRecipientKey(rand.Reader)
	officer := vault.Actor{Role: vault.RoleOfficer, ID: "officer"}
	q, err := svc.File(officer, unseal.Filing{ComplaintID: c.ID, LegalBasis: unseal.BasisCourtOrder,
		Justification: "Penetapan Pengadilan Negeri Sleman nomor 12/Pid/2026.", RecipientKey: pub})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.Status, q.Threshold, "of", q.N)

	// Two auditors, each on their own machine: open the share, re-seal
	// it to the request's key, sign the statement, post.
	sealed, _ := v.SealedRecord(q.ComplaintID)
	rec, _ := seal.Parse(sealed)
	for _, id := range ids[:2] {
		share, _ := seal.OpenShare(rec, q.ComplaintID, kr, id)
		st := unseal.Statement{RequestID: q.ID, ComplaintID: q.ComplaintID, KeyringID: kr.ID(), AuditorID: id.AuditorID,
			Verdict: unseal.Approve, LegalBasis: q.LegalBasis, Justification: q.Justification,
			RecipientKey: q.RecipientKey, DeferralDays: q.DeferralDays, SealedRecord: sealed}
		st.SealedShare, _ = seal.Reseal(rand.Reader, share, q.RecipientKey, q.ID, q.ComplaintID)
		share.Wipe()
		sig, _ := st.Sign(id)
		q, err = svc.Decide(vault.Actor{Role: vault.RoleAuditor, ID: id.AuditorID}, id.AuditorID, q.ID,
			unseal.DecisionInput{AuditorID: id.AuditorID, Verdict: unseal.Approve, SealedShare: st.SealedShare, Signature: sig})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(q.Status, q.Approvals)
	}

	// The reporter's page lists the disclosure from now on.
	ds, _ := svc.Disclosures(c.ID)
	fmt.Println(len(ds), ds[0].LegalBasis)

	// The officer fetches the re-sealed shares (logged) and opens them.
	rv, _ := svc.Reveal(officer, q.ID)
	var shares []seal.Share
	for _, d := range rv.Request.Decisions {
		sh, _ := seal.OpenResealed(seed, d.SealedShare, q.ID, q.ComplaintID)
		shares = append(shares, sh)
	}
	rec, _ = seal.Parse(rv.SealedRecord)
	pt, err := seal.Open(rec, q.ComplaintID, kr, shares)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := vault.ParseSealedPayload(pt)
	fmt.Println(p.Reporter.Name, strings.HasPrefix(p.Body, "Petugas"))
	// Output:
	// pending 2 of 3
	// pending 1
	// approved 2
	// 1 court_order
	// Budi Santoso true
}
