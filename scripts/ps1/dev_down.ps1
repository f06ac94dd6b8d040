# Stop the project-local PostgreSQL and Redis.
# Usage: .\scripts\ps1\dev_down.ps1 [options]   (options as for: crewplan dev down --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('dev', 'down') + $args)
