package auth

import (
	"bytes"
	"errors"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings (RFC 6238 defaults, which every authenticator app supports).
const (
	TOTPPeriod = 30
	TOTPDigits = otp.DigitsSix
	TOTPSkew   = 1 // accept one step before and after, for clock drift
	TOTPIssuer = "Grondslag"
)

// ErrTOTPInvalid is returned for a wrong or reused TOTP code.
var ErrTOTPInvalid = errors.New("de code klopt niet")

// NewTOTPKey creates a new random TOTP secret for the account name (usually the e-mail address).
// It returns the base32 secret and the otpauth:// URL an authenticator app reads from the QR code.
func NewTOTPKey(account string) (secret, url string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: account, Period: TOTPPeriod, Digits: TOTPDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", err
	}
	return k.Secret(), k.URL(), nil
}

// TOTPURL returns the otpauth:// URL for an existing secret.
func TOTPURL(account, secret string) string {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: account, Period: TOTPPeriod, Digits: TOTPDigits, Algorithm: otp.AlgorithmSHA1, Secret: mustB32(secret)})
	if err != nil {
		return ""
	}
	return k.URL()
}

// TOTPQRCode renders the otpauth URL as a PNG QR code of size×size pixels.
func TOTPQRCode(url string, size int) ([]byte, error) {
	k, err := otp.NewKeyFromURL(url)
	if err != nil {
		return nil, err
	}
	img, err := k.Image(size, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// TOTPCode computes the code for secret at t (used by tests and the demo instructions).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: TOTPPeriod, Digits: TOTPDigits, Algorithm: otp.AlgorithmSHA1})
}

// CheckTOTP checks code against secret at now and returns the time step it matched. lastStep is
// the last step accepted before for this account: a code for that step or an earlier one is
// refused, so a code seen over a shoulder cannot be used twice.
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (int64, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != TOTPDigits.Length() {
		return 0, ErrTOTPInvalid
	}
	cur := now.Unix() / TOTPPeriod
	for d := int64(-TOTPSkew); d <= TOTPSkew; d++ {
		step := cur + d
		if step <= lastStep {
			continue
		}
		want, err := TOTPCode(secret, time.Unix(step*TOTPPeriod, 0))
		if err != nil {
			return 0, ErrTOTPInvalid
		}
		if constantEqual(want, code) {
			return step, nil
		}
	}
	return 0, ErrTOTPInvalid
}

func mustB32(secret string) []byte {
	b, err := b32.DecodeString(strings.ToUpper(secret))
	if err != nil {
		return nil
	}
	return b
}
