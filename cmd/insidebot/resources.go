package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/insideaut/insidebot/storage"
)

// openDB opens and migrates the database the configuration names.
func openDB(ctx context.Context, cfg Config, log *slog.Logger) (*storage.DB, error) {
	db, err := storage.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	for _, m := range applied {
		log.Info("migration applied", "migration", m)
	}
	return db, nil
}

// setup reads the configuration and builds the logger, shared by the subcommands.
func setup(getenv env, stderr io.Writer) (Config, *slog.Logger, error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return cfg, nil, fmt.Errorf("configuration: %w", err)
	}
	return cfg, newLogger(stderr, cfg.LogFormat, cfg.LogLevel, cfg.Secrets()), nil
}

// migrateCmd applies migrations and exits.
func migrateCmd(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	if help(args, stdout, "usage: insidebot migrate\n\nApplies the database migrations (DATABASE_URL, or the embedded SQLite in DATA_DIR) and exits.\n") {
		return flag.ErrHelp
	}
	if len(args) > 0 {
		return usageError{err: fmt.Errorf("migrate takes no arguments")}
	}
	cfg, log, err := setup(getenv, stderr)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	log.Debug("migrate done", "dialect", db.Dialect().String())
	fmt.Fprintf(stdout, "%s schema at version %d (%d migrations applied now)\n", db.Dialect(), v, len(applied))
	return nil
}
