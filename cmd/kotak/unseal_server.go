package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"time"

	"kotak/crypto/box"
	"kotak/keys"
	"kotak/vault"
	"kotak/vault/auditlog"
	"kotak/vault/unseal"
)

// UnsealPolicyFile is the unseal policy a server reads from its data
// directory when present (docs/unseal.md); without it the default policy
// applies.
const UnsealPolicyFile = "unseal-policy.json"

// unsealJustificationLabel derives the key that encrypts justifications at
// rest from the vault's master key.
const unsealJustificationLabel = "kotak/v1 unseal"

// newUnsealService builds the unseal service of a server over the open
// vault in dir: the policy file if there is one, justifications encrypted
// under a subkey of the vault's master key, and a fresh checkpoint signed
// at each approval.
func newUnsealService(dir string, v *vault.Vault, kr *keys.Keyring, cp *auditlog.Checkpointer, log *slog.Logger) (*unseal.Service, error) {
	pol := unseal.DefaultPolicy()
	path := filepath.Join(dir, UnsealPolicyFile)
	switch p, err := unseal.LoadPolicy(path); {
	case err == nil:
		pol = p
		log.Info("unseal policy", "file", path)
	case errors.Is(err, fs.ErrNotExist):
		log.Info("unseal policy", "file", "default")
	default:
		return nil, fmt.Errorf("unseal policy %s: %w", path, err)
	}
	mk, err := box.LoadOrCreateMasterKey(filepath.Join(dir, vault.MasterKeyFile), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	return unseal.New(v.Store(), unseal.Options{
		Keyring: kr, Policy: pol, JustificationKey: mk.Subkey(unsealJustificationLabel),
		SignCheckpoint: func() error { _, err := cp.SignNow(); return err },
	})
}

// expireUnseal closes overdue unseal requests (run with the other jobs).
func expireUnseal(s *unseal.Service, log *slog.Logger) {
	if s == nil {
		return
	}
	if n, err := s.Expire(time.Now()); err != nil {
		log.Error("unseal expiry failed", "err_type", fmt.Sprintf("%T", err))
	} else if n > 0 {
		log.Info("expired unseal requests", "count", n)
	}
}
