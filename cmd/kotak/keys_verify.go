package main

import (
	"fmt"

	"kotak/keys"
)

func init() {
	register("keys verify", command{
		summary: "verify a keyring file; print its id, threshold and auditors",
		run:     runKeysVerify,
	})
}

// runKeysVerify exits 0 only for a keyring that ParseKeyring accepts
// (canonical, known version, valid fields, root signature); otherwise it
// prints the reason and exits 1.
func runKeysVerify(env *cmdEnv, args []string) int {
	if len(args) != 1 || len(args[0]) > 0 && args[0][0] == '-' {
		fmt.Fprintln(env.stderr, "usage: kotak keys verify KEYRING")
		return 2
	}
	kr, err := keys.LoadKeyring(args[0])
	if err != nil {
		fmt.Fprintf(env.stderr, "kotak keys verify: %s: %v\n", args[0], err)
		return 1
	}
	w := env.stdout
	fmt.Fprintf(w, "keyring %s: OK (format v%d, signature valid)\n", args[0], keys.KeyringVersion)
	fmt.Fprintf(w, "id:        %s\n", kr.ID())
	fmt.Fprintf(w, "threshold: %d\n", kr.Threshold)
	fmt.Fprintf(w, "auditors:  %d\n", kr.N())
	fmt.Fprintf(w, "root:      %s\n", kr.RootFingerprint())
	for i, a := range kr.Auditors {
		fmt.Fprintf(w, "  %2d  %-12s %s  %q\n", i+1, a.ID, a.Fingerprint(), a.Name)
	}
	return 0
}
