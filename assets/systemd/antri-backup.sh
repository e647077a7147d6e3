#!/bin/sh
# Antri backup: one dated online copy of the live database, then copies older than
# ANTRI_BACKUP_KEEP_DAYS days removed. Installed as /usr/local/bin/antri-backup; run by
# antri-backup.service, or by hand as the antri user.
set -eu
: "${ANTRI_DB:=/var/lib/antri/antri.db}"
: "${ANTRI_BACKUP_DIR:=/var/lib/antri/backups}"
: "${ANTRI_BACKUP_KEEP_DAYS:=14}"
: "${ANTRI_SERVER_BIN:=/usr/local/bin/ticket-server}"
mkdir -p "$ANTRI_BACKUP_DIR"
stamp=$(date +%Y%m%d-%H%M%S)
"$ANTRI_SERVER_BIN" backup --db "$ANTRI_DB" --to "$ANTRI_BACKUP_DIR/antri-$stamp.db"
# Only after a good new copy: prune (never the newest one, whatever its age).
newest=$(ls -1t "$ANTRI_BACKUP_DIR"/antri-*.db | head -n 1)
find "$ANTRI_BACKUP_DIR" -maxdepth 1 -name 'antri-*.db' -mtime +"$ANTRI_BACKUP_KEEP_DAYS" \
    ! -path "$newest" -print -delete
