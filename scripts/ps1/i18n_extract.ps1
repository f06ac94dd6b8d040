# List catalog keys used but missing, keys defined but unused, and hard-coded text in the page templates.
# Usage: .\scripts\ps1\i18n_extract.ps1 [--root DIR] [--json]   (options as for: crewplan i18n extract --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('i18n', 'extract') + $args)
