#!/bin/sh
# Stands in for the native file dialog in end-to-end tests (OUTPOST_FILE_DIALOG): records what the
# app asked for and answers with the path the test wrote to $OUTPOST_E2E_DIALOG_ANSWER (empty: cancel).
printf '%s\n' "$*" >> "${OUTPOST_E2E_DIALOG_ANSWER}.asked"
cat "$OUTPOST_E2E_DIALOG_ANSWER" 2>/dev/null
