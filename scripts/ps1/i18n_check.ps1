# Fail unless the FR and EN catalogs cover every key with the same placeholders.
# Usage: .\scripts\ps1\i18n_check.ps1 [--root DIR] [--json]   (options as for: crewplan i18n check --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('i18n', 'check') + $args)
