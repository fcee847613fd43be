package auditlog

import (
	"bytes"
	"time"

	"kotak/vault"
	"kotak/vault/directory"
	"kotak/vault/staff"
)

// ActionCategoryPut records a category created or renamed; the details
// hash covers the stored record, id included.
const ActionCategoryPut = "category_put"

// keyKeyring holds, in audit_meta, the id of the keyring last recorded.
var keyKeyring = []byte("keyring")

// StaffHook is a staff.Options.OnEvent that records every account event
// (added, password set, disabled, login, logout) in the same transaction:
// who did it (the admin through staff.Service.As, the account itself for
// login and logout, else the system), the account, and a hash of its role.
func StaffHook(tx vault.Tx, e staff.Event) error {
	_, err := Append(tx, Entry{
		Time: e.Time, Role: string(e.By.Role), Actor: e.By.ID, Action: string(e.Action), User: e.Username,
		Details: DetailsHash([]byte(`{"role":"` + string(e.Role) + `"}`)),
	})
	return err
}

// DirectoryHook returns a directory change hook that records every agency
// and category change in the same transaction: who made it (through
// directory.Service.As, else the system) and the hash of the stored record.
func DirectoryHook(now func() time.Time) func(tx vault.Tx, c directory.Change) error {
	return func(tx vault.Tx, c directory.Change) error {
		e := Entry{Time: now(), Role: string(c.By.Role), Actor: c.By.ID, Action: ActionCategoryPut, Details: DetailsHash(c.Record)}
		if c.Kind == directory.KindAgency {
			e.Action, e.Agency = ActionAgencyPut, c.ID
		}
		_, err := Append(tx, e)
		return err
	}
}

// RecordKeyring appends a keyring_change entry when the keyring the server
// now uses differs from the one last recorded (or none was), in one
// transaction with the note of which keyring is current. It reports
// whether it appended.
func RecordKeyring(st vault.Store, keyringID string, now time.Time) (bool, error) {
	appended := false
	err := st.Update(func(tx vault.Tx) error {
		appended = false
		if bytes.Equal(tx.Get(bucketMeta, keyKeyring), []byte(keyringID)) {
			return nil
		}
		if _, err := Append(tx, Entry{Time: now, Role: string(vault.RoleSystem), Action: ActionKeyringChange, Keyring: keyringID}); err != nil {
			return err
		}
		appended = true
		return tx.Put(bucketMeta, keyKeyring, []byte(keyringID))
	})
	return appended, err
}
