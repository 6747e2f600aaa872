package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/crypto/bcrypt"
)

// GeneratedUser is the user EnsureUsersFile creates.
const GeneratedUser = "admin"

// GeneratePassword returns a random password of 24 URL-safe characters
// (144 bits).
func GeneratePassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashPassword returns the bcrypt hash (default cost) of password.
func HashPassword(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// EnsureUsersFile creates the basic users file at path, when it does not
// exist, holding one admin user (GeneratedUser) with a random password,
// and returns that password and created=true; the password is stored
// only as a bcrypt hash, so this is the one chance to show it. The file
// is created with mode 0600 (its directory 0700 when missing) and never
// overwritten. When path exists, it returns created=false.
func EnsureUsersFile(path string) (password string, created bool, err error) {
	if _, err := os.Stat(path); err == nil {
		return "", false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("users file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", false, fmt.Errorf("users file: %w", err)
	}
	pw, err := GeneratePassword()
	if err != nil {
		return "", false, err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return "", false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return "", false, nil // created concurrently by another process
	}
	if err != nil {
		return "", false, fmt.Errorf("create users file: %w", err)
	}
	content := "# onec-connect REST users: name:bcrypt-hash:role[:expires-RFC3339]; role admin or readonly\n" +
		GeneratedUser + ":" + hash + ":" + RoleNameAdmin + "\n"
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		os.Remove(path)
		return "", false, fmt.Errorf("write users file: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return "", false, fmt.Errorf("write users file: %w", err)
	}
	return pw, true, nil
}
