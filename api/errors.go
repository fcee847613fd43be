package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Error is the contract's error body: {"error":{"code","message","field"}}.
// Messages are fixed strings chosen here; they never carry input values,
// personal data or internal error text.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func apiError(status int, code, msg string) *Error {
	return &Error{Status: status, Code: code, Message: msg}
}

func fieldError(field, msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_field", Message: msg, Field: field}
}

var (
	errUnauthorized  = apiError(http.StatusUnauthorized, "unauthorized", "missing or invalid credentials")
	errForbidden     = apiError(http.StatusForbidden, "forbidden", "not allowed for this account")
	errNotFound      = apiError(http.StatusNotFound, "not_found", "no such resource")
	errTooLarge      = apiError(http.StatusRequestEntityTooLarge, "too_large", "request body too large")
	errRateLimited   = apiError(http.StatusTooManyRequests, "rate_limited", "too many requests, try again later")
	errInternal      = apiError(http.StatusInternalServerError, "internal", "internal error")
	errUnsupportedCT = apiError(http.StatusUnsupportedMediaType, "unsupported_media_type", "send application/json")
)

// errorMapper turns domain errors into API errors. The server installs one
// that knows the vault's errors; anything it does not recognise is internal.
type errorMapper func(error) *Error

// errorHandler is the one central echo.HTTPErrorHandler. Internal errors are
// logged by kind only and answered with a generic 500.
func errorHandler(log *slog.Logger, mapDomain errorMapper) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		ae := classify(log, c, err, mapDomain)
		body := map[string]*Error{"error": ae}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(ae.Status)
			return
		}
		_ = c.JSON(ae.Status, body)
	}
}

// classify turns any error a handler returns into the API error to send:
// API errors as they are, Echo's own by status, domain errors through
// mapDomain; anything else is internal, logged by route and type only
// (its text may describe internals) and answered with a generic 500. The
// JSON error handler, Open311 and the web pages all answer through it.
func classify(log *slog.Logger, c echo.Context, err error, mapDomain errorMapper) *Error {
	var ae *Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &he):
		return fromEchoError(he)
	}
	if mapDomain != nil {
		if ae = mapDomain(err); ae != nil {
			return ae
		}
	}
	log.Error("internal error", "route", c.Path(), "method", c.Request().Method, "err_type", errType(err))
	return errInternal
}

func fromEchoError(he *echo.HTTPError) *Error {
	switch he.Code {
	case http.StatusNotFound:
		return errNotFound
	case http.StatusMethodNotAllowed:
		return apiError(http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed")
	case http.StatusRequestEntityTooLarge:
		return errTooLarge
	case http.StatusUnauthorized:
		return errUnauthorized
	case http.StatusForbidden:
		return errForbidden
	case http.StatusTooManyRequests:
		return errRateLimited
	case http.StatusUnsupportedMediaType:
		return errUnsupportedCT
	}
	if he.Code >= 400 && he.Code < 500 {
		return apiError(he.Code, "bad_request", http.StatusText(he.Code))
	}
	return errInternal
}

// errType names an error's dynamic type for logs, never its text.
func errType(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	return typeName(err)
}
