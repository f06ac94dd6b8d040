# Apply, revert, verify or list migrations: migrate.ps1 status|up|down|verify [--to N].
# Usage: .\scripts\ps1\migrate.ps1 [options]   (options as for: crewplan migrate --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('migrate') + $args)
