package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"kotak/vault"
	"kotak/vault/redact"
)

type reporterBody struct {
	Name    string `json:"name"`
	NIK     string `json:"nik"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
	Address string `json:"address"`
}

type submitBody struct {
	Title    string        `json:"title"`
	Body     string        `json:"body"`
	Category string        `json:"category"`
	Region   string        `json:"region"`
	Agency   string        `json:"agency"`
	Privacy  string        `json:"privacy"`
	Channel  string        `json:"channel"`
	Reporter *reporterBody `json:"reporter"`
}

func (b *submitBody) validate() *Error {
	switch {
	case b.Title == "":
		return fieldError("title", "required")
	case b.Body == "":
		return fieldError("body", "required")
	case b.Category == "":
		return fieldError("category", "required")
	case b.Region == "":
		return fieldError("region", "required")
	case b.Privacy == "":
		return fieldError("privacy", "required")
	case !vault.Privacy(b.Privacy).Valid():
		return fieldError("privacy", "must be anonymous, confidential or public")
	case b.Channel != "" && !vault.Channel(b.Channel).Valid():
		return fieldError("channel", "must be web, api, sms, social or walk_in")
	}
	return nil
}

func (b *submitBody) submission() vault.Submission {
	s := vault.Submission{
		Title: b.Title, Body: b.Body, Category: b.Category, Region: b.Region, Agency: b.Agency,
		Privacy: vault.Privacy(b.Privacy), Channel: vault.Channel(b.Channel),
	}
	if s.Channel == "" {
		s.Channel = vault.ChannelAPI
	}
	if r := b.Reporter; r != nil {
		s.Reporter = redact.Identity{Name: r.Name, NIK: r.NIK, Phone: r.Phone, Email: r.Email, Address: r.Address}
	}
	return s
}

func (s *Server) listAgencies(c echo.Context) error {
	items, err := s.cfg.Directory.Agencies()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (s *Server) listCategories(c echo.Context) error {
	items, err := s.cfg.Directory.Categories()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (s *Server) checkCatalog(b *submitBody) *Error {
	if !s.cfg.Directory.CategoryExists(b.Category) {
		return fieldError("category", "unknown category")
	}
	if b.Agency != "" && !s.cfg.Directory.AgencyExists(b.Agency) {
		return fieldError("agency", "unknown agency")
	}
	return nil
}

func (s *Server) preview(c echo.Context) error {
	var b submitBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if e := s.checkCatalog(&b); e != nil {
		return e
	}
	p, err := s.cfg.Vault.Preview(b.submission())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, previewView(p))
}

type findingView struct {
	Kind  string `json:"kind"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

func findings(fs []redact.Finding) []findingView {
	out := make([]findingView, 0, len(fs))
	for _, f := range fs {
		out = append(out, findingView{Kind: string(f.Kind), Start: f.RuneStart, End: f.RuneEnd})
	}
	return out
}

func previewView(p *vault.Preview) map[string]any {
	return map[string]any{
		"redacted_title": p.Title,
		"redacted_body":  p.Body,
		"title_findings": findings(p.TitleFindings),
		"body_findings":  findings(p.BodyFindings),
	}
}

func (s *Server) submit(c echo.Context) error {
	var b submitBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if e := s.checkCatalog(&b); e != nil {
		return e
	}
	res, err := s.cfg.Vault.Submit(b.submission())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

// receiptOf reads "Authorization: Receipt <receipt>".
func receiptOf(c echo.Context) (string, error) {
	r, ok := credential(c, "Receipt")
	if !ok {
		return "", errUnauthorized
	}
	return r, nil
}

func (s *Server) track(c echo.Context) error {
	r, err := receiptOf(c)
	if err != nil {
		return err
	}
	cv, err := s.cfg.Vault.Track(r)
	if err != nil {
		return receiptError(err)
	}
	return s.trackAnswer(c, cv)
}

// receiptError turns a failed receipt lookup into 401 so that a wrong
// receipt and a malformed one look alike.
func receiptError(err error) error {
	if errors.Is(err, vault.ErrNotFound) || errors.Is(err, vault.ErrBadInput) && isReceiptField(err) {
		return errUnauthorized
	}
	return err
}

func isReceiptField(err error) bool {
	var ie *vault.InputError
	return errors.As(err, &ie) && ie.Field == "receipt"
}

type messageBody struct {
	Body string `json:"body"`
}

func (b *messageBody) validate() *Error {
	if b.Body == "" {
		return fieldError("body", "required")
	}
	return nil
}

func (s *Server) trackMessage(c echo.Context) error {
	r, err := receiptOf(c)
	if err != nil {
		return err
	}
	var b messageBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	cv, err := s.cfg.Vault.ReporterReply(r, b.Body)
	if err != nil {
		return receiptError(err)
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": cv.ID, "status": cv.Status})
}

type ratingBody struct {
	Score   *int   `json:"score"`
	Comment string `json:"comment"`
}

func (b *ratingBody) validate() *Error {
	if b.Score == nil {
		return fieldError("score", "required")
	}
	if *b.Score < 1 || *b.Score > 5 {
		return fieldError("score", "must be 1 to 5")
	}
	return nil
}

func (s *Server) trackRating(c echo.Context) error {
	r, err := receiptOf(c)
	if err != nil {
		return err
	}
	var b ratingBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	cv, err := s.cfg.Vault.Rate(r, *b.Score, b.Comment)
	if err != nil {
		return receiptError(err)
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": cv.ID, "status": cv.Status})
}

func (s *Server) trackAttachment(c echo.Context) error {
	r, err := receiptOf(c)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return fieldError("file", "a multipart file field named file is required")
	}
	f, err := fh.Open()
	if err != nil {
		return fieldError("file", "could not read the file")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.cfg.AttachmentLimit+1))
	if err != nil {
		return fieldError("file", "could not read the file")
	}
	if int64(len(data)) > s.cfg.AttachmentLimit {
		return errTooLarge
	}
	cv, err := s.cfg.Vault.AddAttachment(r, data)
	if err != nil {
		return receiptError(err)
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": cv.ID, "attachments": cv.Attachments})
}
