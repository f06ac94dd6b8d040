# Probe the services and publish the status page's JSON (status.json) to a file or directory.
# Usage: .\scripts\ps1\status_sync.ps1 --out DIR [--page-url URL] [--json]   (options as for: crewplan status sync --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('status', 'sync') + $args)
