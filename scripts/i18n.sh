#!/usr/bin/env bash
# make i18n: the work files for translators. For every language, build/i18n/translate.<lang>.toml
# lists the messages its locales/active.<lang>.toml still lacks, with the English text to
# translate (goi18n merge, source language English). goi18n rewrites the files it reads, so it
# works on copies; locales/ is never touched. A language with nothing missing gets no file.
set -euo pipefail
cd "$(dirname "$0")/.."
GOI18N="go run github.com/nicksnyder/go-i18n/v2/goi18n@v2.7.0"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in" "$work/out" build/i18n
rm -f build/i18n/translate.*.toml
for lang in it en fr ar ur bn fa-AF ps ti so; do
  src="locales/active.$lang.toml"
  if [ -f "$src" ]; then cp "$src" "$work/in/"; else : > "$work/in/active.$lang.toml"; fi
done
# goi18n extract finds messages defined in Go code; ours are all in locales/, so there is
# nothing to extract and merge does the work.
$GOI18N merge -sourceLanguage en -outdir "$work/out" "$work"/in/active.*.toml
shopt -s nullglob
files=("$work"/out/translate.*.toml)
for f in "${files[@]}"; do cp "$f" build/i18n/; done
if [ ${#files[@]} -eq 0 ]; then
  echo "i18n: every language has every message; nothing to translate"
else
  for f in build/i18n/translate.*.toml; do
    echo "i18n: $f: $(grep -c '^\[' "$f") messages to translate"
  done
fi
