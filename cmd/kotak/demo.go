package main

import (
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"kotak/keys"
	"kotak/vault"
	"kotak/vault/directory"
	"kotak/vault/staff"
)

// The demo: a keyring of 3 auditors with threshold 2, staff accounts for
// every role, the agencies of a regency and LAPOR!-style categories, all
// under the data directory. credentials.json (0600) lets scripts drive it.
// A second start reuses everything.

const (
	demoKeysDir         = "demo-keys"
	demoCredentialsFile = "credentials.json"
	demoThreshold       = 2
	demoRegion          = "kab-sleman"
)

var demoAuditors = []keys.AuditorSpec{
	{ID: "auditor-1", Name: "Auditor Satu (Inspektorat Jenderal)"},
	{ID: "auditor-2", Name: "Auditor Dua (Biro Hukum)"},
	{ID: "auditor-3", Name: "Auditor Tiga (Ombudsman liaison)"},
}

var demoAgencies = []directory.Agency{
	{ID: "dinkes", Name: "Dinas Kesehatan", Region: "kab-sleman"},
	{ID: "dpupr", Name: "Dinas Pekerjaan Umum dan Penataan Ruang", Region: "kab-sleman"},
	{ID: "disdukcapil", Name: "Dinas Kependudukan dan Pencatatan Sipil", Region: "kab-sleman"},
	{ID: "dpmptsp", Name: "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", Region: "kab-sleman"},
	{ID: "disdik", Name: "Dinas Pendidikan", Region: "kab-sleman"},
	{ID: "satpolpp", Name: "Satuan Polisi Pamong Praja", Region: "kab-sleman"},
	{ID: "dishub", Name: "Dinas Perhubungan", Region: "kab-sleman"},
	{ID: "dinsos", Name: "Dinas Sosial", Region: "kab-sleman"},
}

var demoCategories = []directory.Category{
	{ID: "infrastruktur", Name: "Infrastruktur"},
	{ID: "kesehatan", Name: "Kesehatan"},
	{ID: "pendidikan", Name: "Pendidikan"},
	{ID: "administrasi-kependudukan", Name: "Administrasi Kependudukan"},
	{ID: "perizinan", Name: "Perizinan dan Investasi"},
	{ID: "ketertiban-umum", Name: "Ketentraman dan Ketertiban Umum"},
	{ID: "perhubungan", Name: "Perhubungan"},
	{ID: "sosial", Name: "Sosial dan Kesejahteraan"},
	{ID: "pungli", Name: "Pungutan Liar"},
	{ID: "lainnya", Name: "Topik Lainnya"},
}

type demoAccount struct {
	Username  string     `json:"username"`
	Password  string     `json:"password"`
	Role      vault.Role `json:"role"`
	Agency    string     `json:"agency,omitempty"`
	AuditorID string     `json:"auditor_id,omitempty"`
}

type demoAuditor struct {
	ID         string `json:"id"`
	KeyFile    string `json:"key_file"`
	Passphrase string `json:"passphrase"`
}

type demoCredentials struct {
	Accounts []demoAccount `json:"accounts"`
	Auditors []demoAuditor `json:"auditors"`
	Keyring  string        `json:"keyring"`
	RootKey  string        `json:"root_key"`
	RootPass string        `json:"root_passphrase"`
}

func randomSecret(rnd io.Reader) (string, error) {
	b := make([]byte, 15)
	if _, err := io.ReadFull(rnd, b); err != nil {
		return "", err
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

// prepareDemo makes the demo keyring and credentials on first start.
func prepareDemo(env *cmdEnv, cfg *serveConfig, rnd io.Reader) error {
	if err := os.MkdirAll(cfg.data, 0o700); err != nil {
		return err
	}
	credPath := filepath.Join(cfg.data, demoCredentialsFile)
	if _, err := os.Stat(credPath); err == nil {
		creds, err := readCredentials(credPath)
		if err != nil {
			return err
		}
		cfg.keyring = creds.Keyring
		fmt.Fprintf(env.stdout, "kotak demo: reusing %s\n", cfg.data)
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	cer, err := keys.Ceremony(rnd, demoAuditors, demoThreshold)
	if err != nil {
		return err
	}
	defer cer.Wipe()
	creds := demoCredentials{}
	passes := make([][]byte, len(demoAuditors))
	for i := range passes {
		p, err := randomSecret(rnd)
		if err != nil {
			return err
		}
		passes[i] = []byte(p)
	}
	if creds.RootPass, err = randomSecret(rnd); err != nil {
		return err
	}
	keyDir, err := filepath.Abs(filepath.Join(cfg.data, demoKeysDir))
	if err != nil {
		return err
	}
	files, err := keys.WriteCeremony(rnd, keyDir, cer, []byte(creds.RootPass), passes, keysInitKDF)
	if err != nil {
		return err
	}
	creds.Keyring, creds.RootKey = files.Keyring, files.RootKey
	for i, a := range cer.Keyring.Auditors {
		creds.Auditors = append(creds.Auditors, demoAuditor{ID: a.ID, KeyFile: files.Auditors[i], Passphrase: string(passes[i])})
	}
	accounts := []demoAccount{
		{Username: "admin", Role: vault.RoleAdmin},
		{Username: "dinkes", Role: vault.RoleAgency, Agency: "dinkes"},
		{Username: "dpupr", Role: vault.RoleAgency, Agency: "dpupr"},
		{Username: "disdukcapil", Role: vault.RoleAgency, Agency: "disdukcapil"},
		{Username: "officer", Role: vault.RoleOfficer},
	}
	for _, a := range cer.Keyring.Auditors {
		accounts = append(accounts, demoAccount{Username: a.ID, Role: vault.RoleAuditor, AuditorID: a.ID})
	}
	for i := range accounts {
		if accounts[i].Password, err = randomSecret(rnd); err != nil {
			return err
		}
	}
	creds.Accounts = accounts
	data, err := json.MarshalIndent(creds, "", "  ")
	if err != nil {
		return err
	}
	if err := keys.WriteKeyFile(credPath, append(data, '\n')); err != nil {
		return err
	}
	cfg.keyring = creds.Keyring
	fmt.Fprintf(env.stdout, "kotak demo: made a keyring of %d auditors (threshold %d) in %s\n", len(demoAuditors), demoThreshold, keyDir)
	return nil
}

func readCredentials(path string) (*demoCredentials, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c demoCredentials
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

// seedDemo adds the agencies, categories and accounts that are missing.
func seedDemo(env *cmdEnv, cfg *serveConfig, a *app) error {
	for _, ag := range demoAgencies {
		if _, ok := a.dir.Agency(ag.ID); !ok {
			if err := a.dir.PutAgency(ag); err != nil {
				return err
			}
		}
	}
	for _, c := range demoCategories {
		if !a.dir.CategoryExists(c.ID) {
			if err := a.dir.PutCategory(c); err != nil {
				return err
			}
		}
	}
	credPath := filepath.Join(cfg.data, demoCredentialsFile)
	creds, err := readCredentials(credPath)
	if err != nil {
		return err
	}
	for _, acc := range creds.Accounts {
		_, err := a.staff.AddUser(acc.Username, acc.Password, acc.Role, acc.Agency, acc.AuditorID)
		if err != nil && !errors.Is(err, staff.ErrExists) {
			return fmt.Errorf("account %s: %w", acc.Username, err)
		}
	}
	fmt.Fprintf(env.stdout, "kotak demo: data in %s\n", cfg.data)
	fmt.Fprintf(env.stdout, "kotak demo: keyring %s\n", creds.Keyring)
	fmt.Fprintf(env.stdout, "kotak demo: accounts, passwords and auditor key files in %s\n", credPath)
	return nil
}
