// Package directory keeps the agencies complaints are dispatched to and the
// categories reporters choose from. Admins manage both; everyone may list
// them. Nothing here is personal data.
//
// Records live in two buckets of the vault's store (see Buckets). The
// existence checks (AgencyExists, CategoryExists) are answered from an
// in-memory copy that is loaded on first use and invalidated by every Put
// of the same Service, so they are cheap enough to run on every request.
package directory

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"kotak/vault"
)

// Errors returned by the directory. Field errors are *vault.InputError,
// which matches ErrBadInput.
var (
	ErrBadInput = vault.ErrBadInput // the same value, so *vault.InputError matches it
	ErrCorrupt  = errors.New("directory: corrupt record")
)

// Buckets are the directory's buckets; pass them to vault.Options.Buckets
// (or call Init in a write transaction) before using a Service.
//
//	dir_agencies    agency id   → agencyRecord (JSON, "v":1)
//	dir_categories  category id → categoryRecord (JSON, "v":1)
var Buckets = [][]byte{bucketAgencies, bucketCategories}

var (
	bucketAgencies   = []byte("dir_agencies")
	bucketCategories = []byte("dir_categories")
)

// recordVersion is the version of the stored JSON records.
const recordVersion = 1

// Limits of the stored fields.
const (
	MinIDLen   = 2
	MaxIDLen   = 40
	MaxNameLen = 200 // runes
)

// Init makes the directory's buckets. It is idempotent.
func Init(tx vault.Tx) error {
	for _, b := range Buckets {
		if err := tx.CreateBucket(b); err != nil {
			return err
		}
	}
	return nil
}

// Agency is a public-service agency that handles complaints, such as a
// regency's health office. ID is the stable key used in complaints and
// staff accounts; Name and Region may change.
type Agency struct {
	ID     string `json:"id"`               // [a-z0-9][a-z0-9-]{1,39}, e.g. "dinkes"
	Name   string `json:"name"`             // display name, 1..200 runes
	Region string `json:"region,omitempty"` // optional region id, e.g. "kabupaten-bandung"
}

// Category is a complaint category, such as "kesehatan".
type Category struct {
	ID   string `json:"id"`   // [a-z0-9][a-z0-9-]{1,39}
	Name string `json:"name"` // display name, 1..200 runes
}

type agencyRecord struct {
	V      int    `json:"v"`
	ID     string `json:"id"`
	Name   string `json:"name"`
	Region string `json:"region,omitempty"`
}

type categoryRecord struct {
	V    int    `json:"v"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Service reads and writes the directory. Its methods are safe for
// concurrent use.
type Service struct {
	st         vault.Store
	agencies   cache[Agency]
	categories cache[Category]
	onChange   func(tx vault.Tx, c Change) error
}

// Change is one stored directory record, as passed to the change hook.
type Change struct {
	Kind   string      // KindAgency or KindCategory
	ID     string      // the agency or category id
	Record []byte      // the stored record
	By     vault.Actor // who made the change (see As); the system when unset
}

// Editor makes directory changes on behalf of one actor; see As.
type Editor struct {
	d  *Service
	by vault.Actor
}

// As returns an Editor whose changes are reported to the change hook as
// made by a, for the audit log.
func (d *Service) As(a vault.Actor) Editor { return Editor{d: d, by: a} }

// PutAgency is Service.PutAgency on behalf of the Editor's actor.
func (e Editor) PutAgency(a Agency) error { return e.d.putAgency(a, e.by) }

// PutCategory is Service.PutCategory on behalf of the Editor's actor.
func (e Editor) PutCategory(c Category) error { return e.d.putCategory(c, e.by) }

// New returns a Service over st, whose buckets must exist (see Buckets).
func New(st vault.Store) *Service {
	return &Service{
		st:         st,
		agencies:   cache[Agency]{bucket: bucketAgencies, decode: decodeAgency},
		categories: cache[Category]{bucket: bucketCategories, decode: decodeCategory},
	}
}

// ValidID reports whether s can be an agency or category id: 2 to 40 of
// a-z, 0-9 and '-', starting with a letter or digit. Every valid id is also
// a valid agency or category slug for the vault.
func ValidID(s string) bool {
	if len(s) < MinIDLen || len(s) > MaxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0:
		default:
			return false
		}
	}
	return true
}

// validRegion accepts an empty region or a vault slug.
func validRegion(s string) bool { return s == "" || vault.ValidSlug(s) }

// cleanName trims a display name and checks it: valid UTF-8, 1..MaxNameLen
// runes, no control characters. Reasons never echo the input.
func cleanName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		return "", &vault.InputError{Field: "name", Reason: "not valid UTF-8"}
	case s == "":
		return "", &vault.InputError{Field: "name", Reason: "required"}
	case utf8.RuneCountInString(s) > MaxNameLen:
		return "", &vault.InputError{Field: "name", Reason: "too long"}
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", &vault.InputError{Field: "name", Reason: "control characters"}
		}
	}
	return s, nil
}

func checkID(id string) error {
	if id == "" {
		return &vault.InputError{Field: "id", Reason: "required"}
	}
	if !ValidID(id) {
		return &vault.InputError{Field: "id", Reason: "must be 2-40 of a-z, 0-9 and '-', starting with a letter or digit"}
	}
	return nil
}

// clean checks a and returns it with its name trimmed.
func (a Agency) clean() (Agency, error) {
	if err := checkID(a.ID); err != nil {
		return Agency{}, err
	}
	name, err := cleanName(a.Name)
	if err != nil {
		return Agency{}, err
	}
	if !validRegion(a.Region) {
		return Agency{}, &vault.InputError{Field: "region", Reason: "must be 1-64 of a-z, 0-9, '.', '_', '-'"}
	}
	a.Name = name
	return a, nil
}

func (a Agency) record() ([]byte, error) {
	return json.Marshal(agencyRecord{V: recordVersion, ID: a.ID, Name: a.Name, Region: a.Region})
}

func (c Category) clean() (Category, error) {
	if err := checkID(c.ID); err != nil {
		return Category{}, err
	}
	name, err := cleanName(c.Name)
	if err != nil {
		return Category{}, err
	}
	c.Name = name
	return c, nil
}

func (c Category) record() ([]byte, error) {
	return json.Marshal(categoryRecord{V: recordVersion, ID: c.ID, Name: c.Name})
}

// PutAgency creates the agency a.ID or replaces its name and region. The
// name is trimmed. It returns an *vault.InputError (ErrBadInput) for an
// invalid field, and nil only once the record is durable; AgencyExists
// sees it from then on.
func (d *Service) PutAgency(a Agency) error { return d.putAgency(a, vault.Actor{}) }

func (d *Service) putAgency(a Agency, by vault.Actor) error {
	a, err := a.clean()
	if err != nil {
		return err
	}
	raw, err := a.record()
	if err != nil {
		return err
	}
	return put(d, &d.agencies, bucketAgencies, Change{Kind: KindAgency, ID: a.ID, Record: raw, By: by})
}

// PutCategory creates the category c.ID or renames it; see PutAgency.
func (d *Service) PutCategory(c Category) error { return d.putCategory(c, vault.Actor{}) }

func (d *Service) putCategory(c Category, by vault.Actor) error {
	c, err := c.clean()
	if err != nil {
		return err
	}
	raw, err := c.record()
	if err != nil {
		return err
	}
	return put(d, &d.categories, bucketCategories, Change{Kind: KindCategory, ID: c.ID, Record: raw, By: by})
}

// Kinds of directory records, as passed to a change hook.
const (
	KindAgency   = "agency"
	KindCategory = "category"
)

// OnChange sets a hook called inside the write transaction of every Put
// with the change; an error fails the Put and nothing of it is kept. The
// audit log uses it. Call it before the Service is used concurrently.
func (d *Service) OnChange(fn func(tx vault.Tx, c Change) error) {
	d.onChange = fn
}

// put stores one record and invalidates the in-memory copy, also after a
// failed Update, whose outcome the caller cannot know for sure.
func put[T any](d *Service, c *cache[T], bucket []byte, ch Change) error {
	if ch.By.Role == "" {
		ch.By = vault.Actor{Role: vault.RoleSystem}
	}
	id := ch.ID
	err := d.st.Update(func(tx vault.Tx) error {
		if err := tx.Put(bucket, []byte(id), ch.Record); err != nil {
			return err
		}
		if d.onChange != nil {
			return d.onChange(tx, ch)
		}
		return nil
	})
	c.invalidate()
	if err != nil {
		return fmt.Errorf("directory: storing %s: %w", id, err)
	}
	return nil
}

// Agencies returns every agency, sorted by ID, read from the store.
func (d *Service) Agencies() ([]Agency, error) { return list(d.st, bucketAgencies, decodeAgency) }

// Categories returns every category, sorted by ID, read from the store.
func (d *Service) Categories() ([]Category, error) {
	return list(d.st, bucketCategories, decodeCategory)
}

// Agency returns the agency id from the in-memory copy. It reports false
// for an unknown id and when the store cannot be read.
func (d *Service) Agency(id string) (Agency, bool) { return d.agencies.get(d.st, id) }

// Category returns the category id; see Agency.
func (d *Service) Category(id string) (Category, bool) { return d.categories.get(d.st, id) }

// AgencyExists reports whether the agency id exists. It is answered from
// memory after the first call and suits vault.Options.AgencyExists; a
// store error counts as false (fail closed).
func (d *Service) AgencyExists(id string) bool {
	_, ok := d.Agency(id)
	return ok
}

// CategoryExists reports whether the category id exists; see AgencyExists.
func (d *Service) CategoryExists(id string) bool {
	_, ok := d.Category(id)
	return ok
}

func decodeAgency(key, raw []byte) (Agency, error) {
	var r agencyRecord
	if err := json.Unmarshal(raw, &r); err != nil || r.V != recordVersion || r.ID != string(key) || !ValidID(r.ID) {
		return Agency{}, ErrCorrupt
	}
	return Agency{ID: r.ID, Name: r.Name, Region: r.Region}, nil
}

func decodeCategory(key, raw []byte) (Category, error) {
	var r categoryRecord
	if err := json.Unmarshal(raw, &r); err != nil || r.V != recordVersion || r.ID != string(key) || !ValidID(r.ID) {
		return Category{}, ErrCorrupt
	}
	return Category{ID: r.ID, Name: r.Name}, nil
}

// list reads a whole bucket in key order.
func list[T any](st vault.Store, bucket []byte, decode func(k, v []byte) (T, error)) ([]T, error) {
	var out []T
	err := st.View(func(tx vault.Tx) error {
		out = out[:0]
		c := tx.Cursor(bucket)
		for k, v := c.First(); k != nil; k, v = c.Next() {
			item, err := decode(k, v)
			if err != nil {
				return err
			}
			out = append(out, item)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// cache is an in-memory copy of one bucket, loaded on first use. Loading
// holds the lock, so an invalidation that follows a commit always forces a
// load that sees the commit.
type cache[T any] struct {
	bucket []byte
	decode func(k, v []byte) (T, error)

	mu sync.RWMutex
	m  map[string]T // nil: not loaded
}

func (c *cache[T]) get(st vault.Store, id string) (T, bool) {
	c.mu.RLock()
	m := c.m
	c.mu.RUnlock()
	if m == nil {
		var err error
		if m, err = c.load(st); err != nil {
			var zero T
			return zero, false
		}
	}
	t, ok := m[id]
	return t, ok
}

// load reads the bucket into c.m unless another caller already did.
// A failed read leaves the cache empty.
func (c *cache[T]) load(st vault.Store) (map[string]T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m != nil {
		return c.m, nil
	}
	fresh := map[string]T{}
	err := st.View(func(tx vault.Tx) error {
		clear(fresh)
		cur := tx.Cursor(c.bucket)
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			t, err := c.decode(k, v)
			if err != nil {
				return err
			}
			fresh[string(k)] = t
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.m = fresh
	return fresh, nil
}

func (c *cache[T]) invalidate() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}
