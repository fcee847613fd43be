package unseal

import "errors"

// Errors returned by this package. Match them with errors.Is. Their texts
// name fields, counts and auditor ids, never a justification, a share, a key
// or anything of the complaint.
var (
	// ErrPolicyFile: a policy file is not valid JSON of the known shape, or a
	// value is outside its bounds. The wrapping text names the field.
	ErrPolicyFile = errors.New("unseal: invalid policy file")
	// ErrPolicyVersion: a policy file of an unknown version.
	ErrPolicyVersion = errors.New("unseal: unknown policy version")

	// ErrForbidden: the actor's role may not do this, or an auditor account
	// is bound to another keyring auditor than the one named.
	ErrForbidden = errors.New("unseal: not allowed for this account")
	// ErrNotFound: no such request, or one the actor may not see.
	ErrNotFound = errors.New("unseal: no such request")
	// ErrLegalBasis: the legal basis is not one the policy allows.
	ErrLegalBasis = errors.New("unseal: legal basis not allowed by the policy")
	// ErrJustification: the justification is empty, too short, too long or
	// not clean text.
	ErrJustification = errors.New("unseal: invalid justification")
	// ErrRecipientKey: the recipient key is not a packed X-Wing public key.
	ErrRecipientKey = errors.New("unseal: invalid recipient key")
	// ErrDeferral: the asked notice deferral exceeds the policy's maximum.
	ErrDeferral = errors.New("unseal: notice deferral not allowed by the policy")
	// ErrNotSealed: the complaint has no sealed record this keyring opens.
	ErrNotSealed = errors.New("unseal: complaint has no sealed record for this keyring")
	// ErrTooManyOpen: the requester already has the policy's maximum of
	// pending requests.
	ErrTooManyOpen = errors.New("unseal: too many open requests")

	// ErrUnknownAuditor: the auditor id is not in the keyring.
	ErrUnknownAuditor = errors.New("unseal: auditor not in the keyring")
	// ErrDecision: a decision other than approve or deny.
	ErrDecision = errors.New("unseal: decision must be approve or deny")
	// ErrShare: an approval without a well-formed re-sealed share for the
	// auditor's own index, or a denial with one.
	ErrShare = errors.New("unseal: malformed or misplaced re-sealed share")
	// ErrSignature: the signature does not verify against the auditor's
	// Ed25519 key over this request's decision message (a forged decision,
	// one replayed from another request, or a share sealed to another key).
	ErrSignature = errors.New("unseal: signature does not verify")
	// ErrDuplicate: the auditor has already decided on this request.
	ErrDuplicate = errors.New("unseal: auditor has already decided")
	// ErrClosed: the request is already approved, denied or expired.
	ErrClosed = errors.New("unseal: request is closed")
	// ErrExpired: the request expired before this decision; it is now
	// closed as expired.
	ErrExpired = errors.New("unseal: request expired")
	// ErrNotApproved: the shares are released only once k auditors approve.
	ErrNotApproved = errors.New("unseal: request is not approved")

	// ErrKeyFile: a recipient key file is malformed.
	ErrKeyFile = errors.New("unseal: malformed recipient key file")
	// ErrCorrupt: a stored request does not decode.
	ErrCorrupt = errors.New("unseal: corrupt stored request")
	// ErrConfig: invalid Options.
	ErrConfig = errors.New("unseal: invalid options")
)
