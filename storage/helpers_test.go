package storage_test

import "database/sql"

func nullS(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
func nullI(v int64) sql.NullInt64   { return sql.NullInt64{Int64: v, Valid: v != 0} }
func nullB(v bool) sql.NullBool     { return sql.NullBool{Bool: v, Valid: true} }
