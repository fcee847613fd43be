package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"kotak/keys"
	"kotak/vault"
	"kotak/vault/directory"
	"kotak/vault/staff"
)

func init() {
	register("user add", command{
		summary: "add a staff account (admin, agency, officer, auditor) to a vault",
		run:     runUserAdd,
	})
}

// userAddParams are the argon2id parameters of the hashes user add writes.
// Only tests lower them.
var userAddParams = staff.DefaultParams()

// flagOfField names the command-line flag behind each account field.
var flagOfField = map[string]string{
	"username":   "--username",
	"password":   "password",
	"role":       "--role",
	"agency":     "--agency",
	"auditor_id": "--auditor-id",
}

func runUserAdd(env *cmdEnv, args []string) int {
	fl := flag.NewFlagSet("kotak user add", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	data := fl.String("data", "", "data `DIR` of the vault; it holds "+keys.KeyringFileName+" and the database")
	username := fl.String("username", "", "account `NAME`: 3-32 of a-z, 0-9, '.', '_', '-'")
	role := fl.String("role", "", "`ROLE`: admin, agency, officer or auditor")
	agency := fl.String("agency", "", "agency `ID` an agency account works for (required for --role agency; the agency must exist)")
	auditorID := fl.String("auditor-id", "", "keyring auditor `ID` of an auditor account (required for --role auditor)")
	passFile := fl.String("password-file", "", "read the password from the first line of `FILE`\n(default: prompt twice, without echo on a terminal)")
	fl.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: kotak user add --data DIR --username NAME --role ROLE [--agency ID] [--auditor-id ID] [--password-file FILE]")
		fmt.Fprintln(env.stderr, "\nAdds a staff account to the vault in DIR. The password (at least 12 characters)")
		fmt.Fprintln(env.stderr, "is stored only as an argon2id hash. Stop the server first: the database is locked while it runs.")
		fmt.Fprintln(env.stderr)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "kotak user add: "+format+"\n", a...)
		fl.Usage()
		return 2
	}
	r := vault.Role(*role)
	switch {
	case fl.NArg() != 0:
		return usageErr("unexpected argument %q", fl.Arg(0))
	case *data == "":
		return usageErr("--data is required")
	case *username == "":
		return usageErr("--username is required")
	case !staff.ValidUsername(*username):
		return usageErr("--username must be 3-32 of a-z, 0-9, '.', '_', '-'")
	case r != vault.RoleAdmin && r != vault.RoleAgency && r != vault.RoleOfficer && r != vault.RoleAuditor:
		return usageErr("--role must be admin, agency, officer or auditor")
	case r == vault.RoleAgency && *agency == "":
		return usageErr("--agency is required for --role agency")
	case r != vault.RoleAgency && *agency != "":
		return usageErr("--agency is only for --role agency")
	case r == vault.RoleAuditor && *auditorID == "":
		return usageErr("--auditor-id is required for --role auditor")
	case r != vault.RoleAuditor && *auditorID != "":
		return usageErr("--auditor-id is only for --role auditor")
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "kotak user add: "+format+"\n", a...)
		return 1
	}

	// Everything that can be checked before anyone types a password is.
	kr, err := keys.LoadKeyring(filepath.Join(*data, keys.KeyringFileName))
	if err != nil {
		return fail("reading the keyring: %v", err)
	}
	if r == vault.RoleAuditor {
		if _, _, ok := kr.Auditor(*auditorID); !ok {
			return fail("--auditor-id: no such auditor in keyring %s", kr.ID())
		}
	}

	var password []byte
	if *passFile != "" {
		password, err = readPasswordFile(*passFile)
	} else {
		password, err = promptPassword(env)
	}
	if err != nil {
		return fail("%v", err)
	}
	defer clear(password)

	v, err := vault.Open(*data, vault.Options{
		Keyring: kr,
		Buckets: append(append([][]byte(nil), staff.Buckets...), directory.Buckets...),
	})
	if err != nil {
		return fail("opening the vault: %v", err)
	}
	dir := directory.New(v.Store())
	s := staff.New(v.Store(), staff.Options{Params: userAddParams, AgencyExists: dir.AgencyExists})
	u, addErr := s.AddUser(*username, string(password), r, *agency, *auditorID)
	if err := v.Close(); err != nil && addErr == nil {
		addErr = err
	}
	var ie *vault.InputError
	switch {
	case errors.As(addErr, &ie):
		return fail("%s: %s", flagOfField[ie.Field], ie.Reason)
	case errors.Is(addErr, staff.ErrExists):
		return fail("an account %q already exists", *username)
	case addErr != nil:
		return fail("%v", addErr)
	}
	switch u.Role {
	case vault.RoleAgency:
		fmt.Fprintf(env.stdout, "added %s account %q for agency %s\n", u.Role, u.Username, u.Agency)
	case vault.RoleAuditor:
		fmt.Fprintf(env.stdout, "added %s account %q for keyring auditor %s\n", u.Role, u.Username, u.AuditorID)
	default:
		fmt.Fprintf(env.stdout, "added %s account %q\n", u.Role, u.Username)
	}
	return 0
}

// readPasswordFile returns the first line of path, without its line end.
func readPasswordFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the password file: %w", err)
	}
	defer f.Close()
	data, err := readAtMost(f, maxSecretFile)
	if errors.Is(err, errTooLarge) {
		return nil, errors.New("the password file is too large")
	}
	if err != nil {
		return nil, fmt.Errorf("reading the password file: %w", err)
	}
	defer clear(data)
	line := firstLine(data)
	if len(line) == 0 {
		return nil, errors.New("the password file's first line is empty")
	}
	return line, nil
}

// promptPassword asks for the password twice: without echo on a terminal,
// as lines of standard input otherwise.
func promptPassword(env *cmdEnv) ([]byte, error) {
	p, err := newPassReader(env).askTwice("Password for the new account (at least 12 characters): ", nil)
	if err != nil && !errors.Is(err, errEntriesDiffer) {
		return nil, fmt.Errorf("reading the password: %w", err)
	}
	return p, err
}
