# Start the project-local PostgreSQL and Redis.
# Usage: .\scripts\ps1\dev_up.ps1 [options]   (options as for: crewplan dev up --help)
. (Join-Path $PSScriptRoot '_crewplan.ps1')
Invoke-Crewplan (@('dev', 'up') + $args)
