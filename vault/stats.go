package vault

// CountByStatus returns the number of live complaints in each status. It
// walks the status index (keys only), so its cost grows with the number of
// live complaints; it is meant for metrics scrapes, not for requests.
func (v *Vault) CountByStatus() (map[Status]int, error) {
	out := make(map[Status]int, len(statusCodes))
	err := v.store.View(func(tx Tx) error {
		for st, code := range statusCodes {
			n := 0
			c := tx.Cursor(idxStatus)
			for k, _ := c.Seek([]byte{code}); k != nil && k[0] == code; k, _ = c.Next() {
				n++
			}
			out[st] = n
		}
		return nil
	})
	return out, err
}
